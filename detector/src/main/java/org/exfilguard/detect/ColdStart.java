package org.exfilguard.detect;

/**
 * How an account (or host) is judged before its own history is trusted: against its peers' daily peaks, or without
 * enough peers against a fixed floor.
 *
 * @param minHistoryDays days of history before the account's own baseline replaces the peers'
 * @param peerQuantile   the quantile of the peers' daily peaks compared with
 * @param peerFactor     the threshold is this many times the peer quantile
 * @param minPeers       peer account-days needed before the peer baseline is used
 * @param floor          the threshold without enough peers (rows for reads, bytes for egress), before tier factors
 */
public record ColdStart(int minHistoryDays, double peerQuantile, double peerFactor, int minPeers, long floor) {

    public ColdStart {
        if (minHistoryDays < 1 || minPeers < 1 || floor < 0) {
            throw new IllegalArgumentException(
                    "cold start: min history days and min peers at least 1, floor at least 0");
        }
    }

    /** Seven days to learn; twice the peers' 75th percentile once there are 5 peer days, else 100,000 rows. */
    public static ColdStart defaults() {
        return new ColdStart(7, 0.75, 2.0, 5, 100_000);
    }

    /** The same rules with another floor (the egress volume's is in bytes). */
    public ColdStart withFloor(long floor) {
        return new ColdStart(minHistoryDays, peerQuantile, peerFactor, minPeers, floor);
    }
}
