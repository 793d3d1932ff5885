package org.exfilguard.detect;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
 * @param tierFloors           the factors each table's sensitivity tier applies to the floors
 * @param offHours             the off-hours rule (reads at hours the account never reads); null: off
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
        Duration maxFutureSkew,
        TierFloors tierFloors,
        OffHours offHours) {

    /**
     * The off-hours rule: an account with {@code minHistoryDays} of history that reads in an hour band it has read in
     * (or beside) on fewer than {@code habitDays} days is judged by {@code window}, a sliding sum of such reads only,
     * against the window's floor times the table tier's off-hours factor.
     *
     * @param zone      the organisation's zone: local hours and weekends
     * @param window    the sliding window of off-hours reads; its min-rows is the floor the tier factors scale
     * @param habitDays days with reads in or beside an hour band that make it one of the account's hours
     */
    public record OffHours(ZoneId zone, WindowSpec window, int habitDays) {
        public OffHours {
            java.util.Objects.requireNonNull(zone, "zone");
            // Named apart from the configured window of the same length, so an alert says which rule fired.
            if (!window.name().startsWith(NAME_PREFIX)) {
                window = new WindowSpec(
                        NAME_PREFIX + window.name(), window.length(), window.subBuckets(), window.minRows());
            }
            if (habitDays < 1) {
                throw new IllegalArgumentException("off-hours habit days must be at least 1");
            }
        }

        static final String NAME_PREFIX = "off-hours ";

        /** Local time in UTC, a one-hour window of 5-minute sub-buckets with a 10,000-row floor, one day to learn an hour. */
        public static OffHours defaults() {
            return new OffHours(ZoneOffset.UTC, WindowSpec.parse(DEFAULT_OFF_HOURS_WINDOW), 1);
        }
    }

    public static final String DEFAULT_OFF_HOURS_WINDOW = "1h:12:10000";

    /** Settings without tiers (every factor 1) and without the off-hours rule: the egress volume windows. */
    public DetectionSettings(
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
        this(
                sensitiveTables,
                windows,
                historyDays,
                minHistoryDays,
                ratioOverTypical,
                madMultiplier,
                overPeakFactor,
                peerQuantile,
                peerFactor,
                minPeers,
                coldStartMinRows,
                recurrenceTolerance,
                recurrenceFactor,
                recurrenceLookbackDays,
                growthFactor,
                maxUpdates,
                updateInterval,
                quietPeriod,
                maxFutureSkew,
                TierFloors.defaults(),
                null);
    }

    public DetectionSettings {
        windows = List.copyOf(windows);
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("at least one window is needed");
        }
        if (historyDays < minHistoryDays || minHistoryDays < 1) {
            throw new IllegalArgumentException("need 1 <= min history days <= history days");
        }
        java.util.Objects.requireNonNull(tierFloors, "tierFloors");
    }

    /** Window length, sub-buckets, and the fewest rows each alerts on. */
    public static final List<String> DEFAULT_WINDOWS =
            List.of("15m:15:10000", "1h:12:10000", "1d:24:25000", "7d:28:50000");

    /**
     * The defaults documented in README: 15m, 1h, 1d and 7d windows, 28 days of history, 7 days to learn, the default
     * tier floors and the off-hours rule in UTC.
     */
    public static DetectionSettings defaults(SensitiveTables tables) {
        return new DetectionSettings(
                tables,
                DEFAULT_WINDOWS.stream().map(WindowSpec::parse).toList(),
                28,
                7,
                4.0,
                6.0,
                1.5,
                0.75,
                2.0,
                5,
                100_000,
                Duration.ofMinutes(90),
                2.5,
                8,
                2.0,
                3,
                Duration.ofMinutes(15),
                Duration.ofHours(2),
                Duration.ofDays(1),
                TierFloors.defaults(),
                OffHours.defaults());
    }
}
