package org.exfilguard.detect;

import java.time.Duration;
import java.util.List;
import org.exfilguard.profile.WindowSpec;

/**
 * The detection knobs, resolved from configuration. Plain values: the topology and the domain take this,
 * never the raw configuration.
 *
 * @param windows              sliding windows, shortest first
 * @param historyDays          clean daily peaks kept per window (the baseline's memory)
 * @param minHistoryDays       days of history before the account's own baseline is trusted (cold start before)
 * @param ratioOverTypical     threshold at least this many times the median daily peak
 * @param madMultiplier        threshold at least median + this many scaled MADs
 * @param overPeakFactor       threshold at least this many times the largest clean daily peak in the history
 * @param peerQuantile         cold start: the peer quantile compared with
 * @param peerFactor           cold start: threshold is this many times the peer quantile
 * @param minPeers             cold start: peer account-days needed before the peer baseline is used
 * @param coldStartMinRows     cold start without enough peers: threshold
 * @param recurrenceTolerance  a sum that alerted on an earlier day within this time of day is a recurring job
 * @param recurrenceFactor     ... if it is at most this many times that day's peak
 * @param recurrenceLookbackDays how many days back a recurring job is looked for
 * @param growthFactor         an open incident is updated when its score grows by this factor
 * @param maxUpdates           at most this many UPDATED records per incident
 * @param updateInterval       and at least this long (event time) after the incident's previous record
 * @param quietPeriod          an incident closes after this long without reads above threshold
 * @param maxFutureSkew        events further than this ahead of the wall clock go to the dead-letter topic
 */
public record DetectionSettings(
        SensitiveTables sensitiveTables,
        List<WindowSpec> windows,
        int historyDays,
        int minHistoryDays,
        double ratioOverTypical,
        double madMultiplier,
        double overPeakFactor,
        double peerQuantile,
        double peerFactor,
        int minPeers,
        long coldStartMinRows,
        Duration recurrenceTolerance,
        double recurrenceFactor,
        int recurrenceLookbackDays,
        double growthFactor,
        int maxUpdates,
        Duration updateInterval,
        Duration quietPeriod,
        Duration maxFutureSkew) {

    public DetectionSettings {
        windows = List.copyOf(windows);
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("at least one window is needed");
        }
        if (historyDays < minHistoryDays || minHistoryDays < 1) {
            throw new IllegalArgumentException("need 1 <= min history days <= history days");
        }
    }

    /** Window length, sub-buckets, and the fewest rows each alerts on. */
    public static final List<String> DEFAULT_WINDOWS = List.of("15m:15:10000", "1h:12:10000", "1d:24:25000", "7d:28:50000");

    /** The defaults documented in README: 15m, 1h, 1d and 7d windows, 28 days of history, 7 days to learn. */
    public static DetectionSettings defaults(SensitiveTables tables) {
        return new DetectionSettings(tables,
                DEFAULT_WINDOWS.stream().map(WindowSpec::parse).toList(),
                28, 7, 4.0, 6.0, 1.5, 0.75, 2.0, 5, 100_000,
                Duration.ofMinutes(90), 2.5, 8, 2.0, 3, Duration.ofMinutes(15), Duration.ofHours(2), Duration.ofDays(1));
    }
}
