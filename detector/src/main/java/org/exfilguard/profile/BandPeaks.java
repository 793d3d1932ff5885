package org.exfilguard.profile;

import java.util.function.Function;

/**
 * A window's clean peaks within one band of the day (the night, in the organisation's local time): for each band-day
 * on which the account read in the band, the largest sum the window held at a read in the band that did not alert.
 * Days on which it did not read in the band leave no entry, so the history is the account's norm when it reads at
 * that time, not a mixture with the days it does not.
 *
 * <p>The band-day being read is never part of its own history: its peak is pending until a read on a later band-day
 * closes it. A band-day is the local date on which the band starts (a band across midnight belongs to its evening).
 */
public final class BandPeaks {

    /** No band-day seen yet. */
    public static final long NONE = Long.MIN_VALUE;
    /** The latest band-day has no clean sum yet. */
    public static final long NO_PEAK = -1;

    /** The latest band-day on which the account read in the band, or {@link #NONE}. */
    private long day;
    /** That band-day's clean peak so far, or {@link #NO_PEAK}. */
    private long peak;

    private final PeakHistory history;

    /** Nothing learnt yet. */
    public BandPeaks(int historyCapacity) {
        this(NONE, NO_PEAK, new double[historyCapacity], 0);
    }

    /** Restores stored state; the array is owned by the new instance. */
    public BandPeaks(long day, long peak, double[] history, int historySize) {
        if (historySize < 0 || historySize > history.length || peak < NO_PEAK) {
            throw new IllegalArgumentException(
                    "band peaks: " + historySize + " stored, capacity " + history.length + ", pending peak " + peak);
        }
        this.day = day;
        this.peak = peak;
        this.history = new PeakHistory(history, historySize);
    }

    /**
     * Moves to {@code bandDay} when it is a later one than the latest seen, closing that one's clean peak (if it had
     * one) into the history. Reads of an earlier band-day, arriving late, change nothing.
     */
    public void roll(long bandDay) {
        if (day == NONE || bandDay > day) {
            if (day != NONE && peak != NO_PEAK) {
                history.push(peak);
            }
            day = bandDay;
            peak = NO_PEAK;
        }
    }

    /** Records a clean sum the window held at a read in the band on {@code bandDay}. */
    public void observeClean(long bandDay, long sum) {
        roll(bandDay);
        if (bandDay == day) {
            peak = Math.max(peak, sum);
        }
    }

    public long day() {
        return day;
    }

    public long peak() {
        return peak;
    }

    public int historySize() {
        return history.size();
    }

    public int historyCapacity() {
        return history.capacity();
    }

    /** The {@code i}-th band-day peak, oldest first. */
    public double historyAt(int i) {
        return history.at(i);
    }

    /** Band-day peaks, oldest first. */
    public double[] history() {
        return history.values();
    }

    /** A value derived from the history alone (its robust statistics), kept until the history next changes. */
    public <T> T historyDerived(Class<T> type, Function<double[], T> derive) {
        return history.derived(type, derive);
    }
}
