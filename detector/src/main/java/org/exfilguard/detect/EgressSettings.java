package org.exfilguard.detect;

import java.time.Duration;
import java.util.List;
import org.exfilguard.ingest.InternalNetworks;

/**
 * Knobs of the egress side.
 *
 * @param internalNetworks     destinations inside these are not egress
 * @param knownDestinations    external destinations that are expected (backup targets, SaaS): never evidence
 * @param horizon              egress up to this long after the last bulk read of an incident is correlated with it
 * @param minUnusualBytes      bytes to destinations new for the host that make the egress after a bulk read unusual
 * @param weakMinUnusualBytes  the same after a weak read ({@link WeakReadSettings#egressFloorBytes()}): lower, as a
 *                             weak read is too small to fill {@code minUnusualBytes}
 * @param volume               the per-host outbound-byte windows and their baseline: the reads' thresholds and
 *                             recurrence, and a cold-start floor of its own in bytes
 * @param maxDestinations      destinations remembered per host (the one used longest ago is forgotten first)
 */
public record EgressSettings(
        InternalNetworks internalNetworks,
        InternalNetworks knownDestinations,
        Duration horizon,
        long minUnusualBytes,
        long weakMinUnusualBytes,
        VolumeRules volume,
        int maxDestinations) {

    /** Outbound bytes per host: an hour and a day, with floors of 100 MB and 1 GB. */
    public static final List<String> DEFAULT_WINDOWS = List.of("1h:12:100000000", "1d:24:1000000000");

    /** A host without enough peers to compare with is held to 1 GB in a window until it has its own history. */
    public static final long DEFAULT_COLD_START_MIN_BYTES = 1_000_000_000L;

    /** Bytes to new destinations that make a watch's egress unusual: a weak read's floor or a bulk read's. */
    public long minUnusualBytes(boolean weak) {
        return weak ? weakMinUnusualBytes : minUnusualBytes;
    }
}
