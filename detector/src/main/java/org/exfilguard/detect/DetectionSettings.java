package org.exfilguard.detect;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.exfilguard.profile.WindowSpec;

/**
 * The read side's detection settings, resolved from configuration: which tables are watched, how their volumes are
 * judged, the tier floors and the off-hours rule. Plain values: the topology and the domain take this, never the raw
 * configuration.
 *
 * @param volume           windows, baseline, thresholds, cold start and recurring jobs of the rows an account reads
 * @param tierFloors       the factors each table's sensitivity tier applies to the floors
 * @param offHours         the off-hours rule (reads at hours the account never reads); null: off
 * @param sensitiveColumns the personal columns of the tables that have a list; the others are sensitive whole
 * @param nightNorm        the band of the day (the night) whose reads are also judged against the account's own peaks
 *                         in that band; null: off
 */
public record DetectionSettings(
        SensitiveTables sensitiveTables,
        VolumeRules volume,
        TierFloors tierFloors,
        OffHours offHours,
        SensitiveColumns sensitiveColumns,
        NightNorm nightNorm) {

    /** Settings in which every column of every sensitive table is sensitive, with the default night norm. */
    public DetectionSettings(
            SensitiveTables sensitiveTables, VolumeRules volume, TierFloors tierFloors, OffHours offHours) {
        this(sensitiveTables, volume, tierFloors, offHours, SensitiveColumns.NONE, NightNorm.defaults());
    }

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

    public DetectionSettings {
        java.util.Objects.requireNonNull(sensitiveTables, "sensitiveTables");
        java.util.Objects.requireNonNull(volume, "volume");
        java.util.Objects.requireNonNull(tierFloors, "tierFloors");
        java.util.Objects.requireNonNull(sensitiveColumns, "sensitiveColumns");
    }

    /** The same settings with {@code columns} as the personal columns of the listed tables. */
    public DetectionSettings withSensitiveColumns(SensitiveColumns columns) {
        return new DetectionSettings(sensitiveTables, volume, tierFloors, offHours, columns, nightNorm);
    }

    /** The same settings with {@code norm} as the night norm (null: off). */
    public DetectionSettings withNightNorm(NightNorm norm) {
        return new DetectionSettings(sensitiveTables, volume, tierFloors, offHours, sensitiveColumns, norm);
    }

    /** A new filter of the sensitive tables a statement reads personal data of: one per task. */
    public PersonalReads personalReads() {
        return new PersonalReads(sensitiveTables, sensitiveColumns);
    }

    /** Window length, sub-buckets, and the fewest rows each alerts on. */
    public static final List<String> DEFAULT_WINDOWS =
            List.of("15m:15:10000", "1h:12:10000", "1d:24:25000", "7d:28:50000");

    /**
     * The defaults documented in README: 15m, 1h, 1d and 7d windows, 28 days of history, 7 days to learn, the default
     * thresholds, cold start, recurrence and tier floors, the off-hours rule and the night norm in UTC.
     */
    public static DetectionSettings defaults(SensitiveTables tables) {
        return new DetectionSettings(
                tables,
                new VolumeRules(
                        DEFAULT_WINDOWS.stream().map(WindowSpec::parse).toList(),
                        28,
                        Thresholds.defaults(),
                        ColdStart.defaults(),
                        Recurrence.defaults()),
                TierFloors.defaults(),
                OffHours.defaults());
    }

    /** The read windows, shortest first. */
    public List<WindowSpec> windows() {
        return volume.windows();
    }

    /** Clean daily peaks kept per window. */
    public int historyDays() {
        return volume.historyDays();
    }
}
