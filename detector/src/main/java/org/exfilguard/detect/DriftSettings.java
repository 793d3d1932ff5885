package org.exfilguard.detect;

/**
 * The slow-drift detector's knobs: a one-sided CUSUM of an account's daily rows of a sensitive scope against its
 * own robust daily norm. The shift worth detecting is {@code max(madMultiplier x spread, relativeExcess x norm,
 * minExcessRows)} rows a day; the CUSUM's allowance is half of it, one day adds at most the whole shift, and it
 * alarms at twice the shift, so no single day, however large, raises a drift alone.
 *
 * @param enabled         whether the drift detector runs at all
 * @param historyDays     closed days (empty ones included) the norm is learnt from
 * @param minHistoryDays  days of history before the account's drift is judged
 * @param relativeExcess  the shift is at least this fraction of the norm
 * @param madMultiplier   ... and at least this many scaled MADs of the daily totals
 * @param minExcessRows   ... and at least this many rows a day (a noise guard for accounts that read almost nothing)
 * @param minHours        a day counts towards a drift only if its reads span this many distinct hours (a drift is
 *                        spread out; one large read in one hour is the sliding windows' to judge)
 * @param maxGapDays      the CUSUM forgets after this many consecutive days without reads of the scope
 */
public record DriftSettings(
        boolean enabled,
        int historyDays,
        int minHistoryDays,
        double relativeExcess,
        double madMultiplier,
        long minExcessRows,
        int minHours,
        int maxGapDays) {

    public DriftSettings {
        if (historyDays < minHistoryDays || minHistoryDays < 1) {
            throw new IllegalArgumentException("need 1 <= drift min history days <= drift history days");
        }
        if (minHours < 1 || minHours > 24) {
            throw new IllegalArgumentException("drift min hours must be within 1..24");
        }
    }

    /** Defaults: 28 days of history, 7 to learn, a shift of at least 25% of the norm, 3 MADs and 500 rows a day. */
    public static DriftSettings defaults() {
        return new DriftSettings(true, 28, 7, 0.25, 3.0, 500, 4, 3);
    }
}
