package org.exfilguard.detect;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.exfilguard.profile.WindowSpec;

/**
 * The knobs of the table-level detector: each sensitive table's reads across all accounts, compared with the
 * table's own norm for the time of week (the hour of the day, working days and weekends apart).
 *
 * @param enabled          whether the table profile runs at all
 * @param windows          sliding windows over whole minutes; a window's min-rows is its floor
 * @param historyDays      clean peaks kept per window and time of week (one a day at most)
 * @param minHistoryDays   peaks of a time of week needed before it can alert (until then it learns)
 * @param ratioOverTypical threshold at least this many times the time of week's median peak
 * @param madMultiplier    ... and the median plus this many scaled MADs
 * @param overPeakFactor   ... and this many times the time of week's largest clean peak
 * @param growthFactor     an open table incident is UPDATED when its score grows by this factor
 * @param maxUpdates       at most this many UPDATED records per incident
 * @param updateInterval   and at least this long after its previous record
 * @param quietPeriod      an incident closes after this long without a window above its threshold
 * @param maxContributors  accounts named in a record at most
 * @param zone             the organisation's zone: its hours and weekends
 */
public record TableSettings(
        boolean enabled,
        List<WindowSpec> windows,
        int historyDays,
        int minHistoryDays,
        double ratioOverTypical,
        double madMultiplier,
        double overPeakFactor,
        double growthFactor,
        int maxUpdates,
        Duration updateInterval,
        Duration quietPeriod,
        int maxContributors,
        ZoneId zone) {

    /**
     * One 15-minute window: a sum over many accounts is much smoother than one account's, so it needs no day-long
     * windows, and a surge of ordinary readers shows within minutes. The floor only keeps a quiet table's
     * hour (a few hundred rows) from alerting on a few thousand.
     */
    public static final List<String> DEFAULT_WINDOWS = List.of("15m:15:5000");

    public TableSettings {
        windows = List.copyOf(windows);
        Objects.requireNonNull(zone, "zone");
        if (enabled && windows.isEmpty()) {
            throw new IllegalArgumentException("the table profile needs at least one window");
        }
        for (WindowSpec w : windows) {
            if (w.length().toMillis() % 60_000 != 0) {
                throw new IllegalArgumentException("table window " + w.name() + ": must be whole minutes");
            }
        }
        if (historyDays < minHistoryDays || minHistoryDays < 1) {
            throw new IllegalArgumentException("need 1 <= table min history days <= table history days");
        }
    }

    /** The defaults documented in CONFIGURATION.md. */
    public static TableSettings defaults() {
        return new TableSettings(
                true,
                DEFAULT_WINDOWS.stream().map(WindowSpec::parse).toList(),
                28,
                4,
                2.0,
                6.0,
                1.5,
                2.0,
                3,
                Duration.ofMinutes(15),
                Duration.ofHours(1),
                16,
                ZoneOffset.UTC);
    }

    /** The same settings, on or off. */
    public TableSettings withEnabled(boolean on) {
        return new TableSettings(
                on,
                windows,
                historyDays,
                minHistoryDays,
                ratioOverTypical,
                madMultiplier,
                overPeakFactor,
                growthFactor,
                maxUpdates,
                updateInterval,
                quietPeriod,
                maxContributors,
                zone);
    }

    /** The longest window, in minutes. */
    public int longestMinutes() {
        return (int)
                windows.stream().mapToLong(w -> w.length().toMinutes()).max().orElse(0);
    }
}
