package org.exfilguard.profile;

import java.util.Arrays;
import java.util.function.Function;

/**
 * A bounded history of daily peaks, oldest first: when full, a new peak pushes the oldest out. A value derived from
 * it (its robust statistics) is kept until it next changes: the history changes once a day, while the threshold
 * built from it is needed on every event. A window's clean daily peaks and its clean peaks in the night band are each
 * one of these.
 */
final class PeakHistory {

    private final double[] values;
    private int size;
    /** Derived from the history, computed when first asked for after the history changed. */
    private Object derived;

    /** Restores stored peaks; the array is owned by the new instance. */
    PeakHistory(double[] values, int size) {
        this.values = values;
        this.size = size;
    }

    void push(double peak) {
        derived = null;
        if (size < values.length) {
            values[size++] = peak;
        } else {
            System.arraycopy(values, 1, values, 0, values.length - 1);
            values[values.length - 1] = peak;
        }
    }

    int size() {
        return size;
    }

    int capacity() {
        return values.length;
    }

    double at(int i) {
        return values[i];
    }

    double[] values() {
        return Arrays.copyOf(values, size);
    }

    <T> T derived(Class<T> type, Function<double[], T> derive) {
        if (!type.isInstance(derived)) {
            derived = derive.apply(values());
        }
        return type.cast(derived);
    }
}
