package org.exfilguard.config;

import java.time.Duration;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.incident.IncidentLifecycle;
import org.exfilguard.profile.WindowSpec;

/** The table profile's {@link TableSettings}: its own keys, and the incidents' growth, updates and their pacing. */
public final class TableSettingsFactory {

    private TableSettingsFactory() {}

    public static TableSettings from(ExfilguardConfig config) {
        IncidentLifecycle incidents = IncidentLifecycleFactory.from(config);
        return DetectionSettingsFactory.keyed(
                ExfilguardConfig.TABLE_PROFILE_WINDOWS,
                config,
                () -> new TableSettings(
                        config.getBoolean(ExfilguardConfig.TABLE_PROFILE_ENABLED),
                        config.getList(ExfilguardConfig.TABLE_PROFILE_WINDOWS).stream()
                                .map(WindowSpec::parse)
                                .toList(),
                        config.getInt(ExfilguardConfig.TABLE_PROFILE_HISTORY_DAYS),
                        config.getInt(ExfilguardConfig.TABLE_PROFILE_MIN_HISTORY_DAYS),
                        config.getDouble(ExfilguardConfig.TABLE_PROFILE_RATIO_OVER_TYPICAL),
                        config.getDouble(ExfilguardConfig.TABLE_PROFILE_MAD_MULTIPLIER),
                        config.getDouble(ExfilguardConfig.TABLE_PROFILE_OVER_PEAK_FACTOR),
                        incidents.growthFactor(),
                        incidents.maxUpdates(),
                        incidents.updateInterval(),
                        Duration.ofMinutes(config.getInt(ExfilguardConfig.TABLE_PROFILE_QUIET_MINUTES)),
                        config.getInt(ExfilguardConfig.TABLE_PROFILE_MAX_CONTRIBUTORS),
                        DetectionSettingsFactory.zone(config)));
    }
}
