package org.exfilguard.detect;

import java.util.Locale;

/**
 * How sensitive a table is: its floors are the window floors times the tier's factors ({@link TierFloors}), so a
 * card table alerts on fewer rows than an address table.
 */
public enum SensitivityTier {
    /** Payment cards, credentials, national ids: a few hundred rows are a breach to report. */
    CRITICAL,
    /** Personal data such as members' names and addresses. */
    HIGH,
    /** Sensitive, but only in bulk. */
    STANDARD;

    public static SensitivityTier parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown sensitivity tier '" + text.trim() + "' (use critical, high or standard)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
