package org.exfilguard.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;
import org.exfilguard.detect.ColdStart;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.NightNorm;
import org.exfilguard.detect.Recurrence;
import org.exfilguard.detect.SensitiveColumns;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.detect.Thresholds;
import org.exfilguard.detect.TierFloors;
import org.exfilguard.detect.VolumeRules;
import org.exfilguard.profile.WindowSpec;

/**
 * The read side's {@link DetectionSettings} from the configuration, and the small settings objects it is made of.
 * A value the domain refuses becomes a one-line {@link ConfigException} naming its key (the CLI's usage error).
 */
public final class DetectionSettingsFactory {

    private DetectionSettingsFactory() {}

    public static DetectionSettings from(ExfilguardConfig config) {
        SensitiveTables tables = sensitiveTables(config);
        return new DetectionSettings(
                tables,
                volume(config, windows(config, ExfilguardConfig.WINDOWS), coldStart(config)),
                keyed(
                        ExfilguardConfig.TIER_FLOOR_FACTORS,
                        config,
                        () -> TierFloors.parse(config.getList(ExfilguardConfig.TIER_FLOOR_FACTORS))),
                offHours(config),
                sensitiveColumns(config, tables),
                nightNorm(config));
    }

    /** The night norm; null when {@code night.norm.band} is empty. */
    public static NightNorm nightNorm(ExfilguardConfig config) {
        String band = config.getString(ExfilguardConfig.NIGHT_NORM_BAND).trim();
        if (band.isEmpty()) {
            return null;
        }
        ZoneId zone = zone(config);
        return keyed(ExfilguardConfig.NIGHT_NORM_BAND, config, () -> NightNorm.parse(zone, band))
                .withFloorFactor(config.getDouble(ExfilguardConfig.NIGHT_NORM_FLOOR_FACTOR));
    }

    /** The personal columns of the sensitive tables that have a list ({@code sensitive.columns}). */
    public static SensitiveColumns sensitiveColumns(ExfilguardConfig config, SensitiveTables tables) {
        return keyed(
                ExfilguardConfig.SENSITIVE_COLUMNS,
                config,
                () -> SensitiveColumns.of(config.getList(ExfilguardConfig.SENSITIVE_COLUMNS), tables));
    }

    /** The sensitive tables with their tiers. */
    public static SensitiveTables sensitiveTables(ExfilguardConfig config) {
        return keyed(
                ExfilguardConfig.SENSITIVE_TABLES,
                config,
                () -> SensitiveTables.of(
                        config.getList(ExfilguardConfig.SENSITIVE_TABLES),
                        config.getList(ExfilguardConfig.SENSITIVE_TIERS)));
    }

    /** Ratio over typical, MAD multiplier and over-peak factor. */
    public static Thresholds thresholds(ExfilguardConfig config) {
        return new Thresholds(
                config.getDouble(ExfilguardConfig.RATIO_OVER_TYPICAL),
                config.getDouble(ExfilguardConfig.MAD_MULTIPLIER),
                config.getDouble(ExfilguardConfig.OVER_PEAK_FACTOR));
    }

    /** Days to learn, the peer baseline, and the reads' floor without enough peers. */
    public static ColdStart coldStart(ExfilguardConfig config) {
        return new ColdStart(
                config.getInt(ExfilguardConfig.MIN_HISTORY_DAYS),
                config.getDouble(ExfilguardConfig.PEER_QUANTILE),
                config.getDouble(ExfilguardConfig.PEER_FACTOR),
                config.getInt(ExfilguardConfig.PEER_MIN_COUNT),
                config.getLong(ExfilguardConfig.COLD_START_MIN_ROWS));
    }

    public static Recurrence recurrence(ExfilguardConfig config) {
        return new Recurrence(
                Duration.ofMinutes(config.getInt(ExfilguardConfig.RECURRENCE_TOLERANCE_MINUTES)),
                config.getDouble(ExfilguardConfig.RECURRENCE_FACTOR),
                config.getInt(ExfilguardConfig.RECURRENCE_LOOKBACK_DAYS));
    }

    /** The off-hours rule; null when {@code off.hours.window} is empty. */
    public static DetectionSettings.OffHours offHours(ExfilguardConfig config) {
        String window = config.getString(ExfilguardConfig.OFF_HOURS_WINDOW).trim();
        if (window.isEmpty()) {
            return null;
        }
        return new DetectionSettings.OffHours(
                zone(config),
                keyed(ExfilguardConfig.OFF_HOURS_WINDOW, config, () -> WindowSpec.parse(window)),
                config.getInt(ExfilguardConfig.OFF_HOURS_HABIT_DAYS));
    }

    /** The zone of {@code time.zone}, in which working hours, nights and weekends are told apart. */
    static ZoneId zone(ExfilguardConfig config) {
        String zoneId = config.getString(ExfilguardConfig.TIME_ZONE);
        try {
            return ZoneId.of(zoneId.trim());
        } catch (DateTimeException e) {
            throw new ConfigException(ExfilguardConfig.TIME_ZONE, zoneId, e.getMessage());
        }
    }

    /**
     * Windows (from {@code windowsKey}) judged with the configured baseline, thresholds and recurrence, and
     * {@code coldStart}: the reads' own, or the egress volume's with its floor in bytes.
     */
    static VolumeRules volume(ExfilguardConfig config, List<WindowSpec> windows, ColdStart coldStart) {
        return keyed(
                ExfilguardConfig.MIN_HISTORY_DAYS,
                config,
                () -> new VolumeRules(
                        windows,
                        config.getInt(ExfilguardConfig.HISTORY_DAYS),
                        thresholds(config),
                        coldStart,
                        recurrence(config)));
    }

    static List<WindowSpec> windows(ExfilguardConfig config, String key) {
        return keyed(
                key,
                config,
                () -> config.getList(key).stream().map(WindowSpec::parse).toList());
    }

    /** Builds a value, turning the domain's refusal into a one-line error that names the key and its value. */
    static <T> T keyed(String key, ExfilguardConfig config, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    key, config.originals().getOrDefault(key, config.values().get(key)), e.getMessage());
        }
    }
}
