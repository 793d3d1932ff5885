package org.exfilguard.detect;

import java.time.Duration;

/**
 * Weak reads: a read clearly above the account's own norm for the hour but below the alert threshold is not an alert
 * on its own; it asks the egress side to watch the reading host, and becomes a READ_THEN_EGRESS incident only if the
 * host then sends at least {@code egressFloorBytes} to destinations new for it within {@code horizon}.
 *
 * <p>The norm for the hour: in an hour band the account reads in ({@link org.exfilguard.profile.ActiveHours}), the
 * median of its clean daily peaks of a sub-day window (its typical busiest hour, so an upper bound of its norm for any
 * hour it works), and no less than its largest clean daily peak; in a band it never reads, zero. A read is weak when
 * the window's sum is at least {@code factor} times that norm and at least {@code minRows} (scaled by the table tier's
 * bulk factor, like the floors), so single-row noise of an account that reads a handful of rows never counts.
 *
 * @param enabled          whether weak reads are watched at all
 * @param factor           the window's sum must be at least this many times the account's norm for the hour
 * @param minRows          ... and at least this many rows (times the tier's bulk factor)
 * @param horizon          the egress horizon ({@code egress.horizon.minutes}): one weak watch per account and table
 *                         in it
 * @param egressFloorBytes bytes to new destinations that make the egress after a weak read unusual
 *                         ({@code weak.read.egress.min.bytes}; the egress side holds the same value), and the combined
 *                         score's unit for the egress half
 */
public record WeakReadSettings(boolean enabled, double factor, long minRows, Duration horizon, long egressFloorBytes) {

    public static final double DEFAULT_FACTOR = 5.0;
    public static final long DEFAULT_MIN_ROWS = 1_000;
    /**
     * A weak read stays below the alert threshold (by default 10,000 rows an hour, 2,500 in 15 minutes): at the 100 to
     * 300 bytes a member row takes in a CSV file, a few hundred KB to a few MB. The bulk reads' 10 MB would ask for more
     * than it could hold; 1 MB still keeps out the everyday small uploads (a form, a pasted document, a chat image).
     */
    public static final long DEFAULT_EGRESS_MIN_BYTES = 1_000_000L;

    public WeakReadSettings {
        if (!(factor >= 1)) {
            throw new IllegalArgumentException("weak read factor must be at least 1, not " + factor);
        }
        if (minRows < 1 || egressFloorBytes < 1) {
            throw new IllegalArgumentException("weak read rows and the egress floor must be at least 1");
        }
    }

    /** On, 5x the norm and 1,000 rows, the egress side's 2 h horizon, 1 MB of egress. */
    public static WeakReadSettings defaults() {
        return new WeakReadSettings(
                true, DEFAULT_FACTOR, DEFAULT_MIN_ROWS, Duration.ofHours(2), DEFAULT_EGRESS_MIN_BYTES);
    }

    /** Off: no weak watches (the detector as before weak reads). */
    public static WeakReadSettings off() {
        return new WeakReadSettings(
                false, DEFAULT_FACTOR, DEFAULT_MIN_ROWS, Duration.ofHours(2), DEFAULT_EGRESS_MIN_BYTES);
    }
}
