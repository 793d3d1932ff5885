package org.exfilguard.detect;

import org.exfilguard.profile.WindowProfile;

/**
 * What one event did to one window.
 *
 * @param state       where the sum stands against the threshold
 * @param observedRows the sliding sum of rows after the event
 * @param score       observed rows over the threshold; 1.0 is the threshold
 * @param peerRank    for a cold-start threshold that the sum is above, the fraction of peer account-days at or below
 *                    the observed sum; NaN otherwise
 */
public record WindowVerdict(
        WindowProfile window,
        State state,
        long observedRows,
        long observedBytes,
        Threshold threshold,
        double score,
        double peerRank) {

    /** Where a window's sum stands. */
    public enum State {
        /** At or below the threshold. */
        BELOW,
        /** Above, but at the time of day and size of a job that alerted on an earlier day: learnt, not alerted. */
        RECURRING,
        /** Went above the threshold with this event: a new alert. */
        CROSSED,
        /** Still above the threshold since an earlier crossing. */
        ABOVE
    }

    public boolean alerting() {
        return state == State.CROSSED || state == State.ABOVE;
    }
}
