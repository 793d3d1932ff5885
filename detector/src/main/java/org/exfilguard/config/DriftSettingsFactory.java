package org.exfilguard.config;

import org.exfilguard.detect.DriftSettings;

/** The slow-drift detector's {@link DriftSettings} from the configuration. */
public final class DriftSettingsFactory {

    private DriftSettingsFactory() {}

    public static DriftSettings from(ExfilguardConfig config) {
        return DetectionSettingsFactory.keyed(
                ExfilguardConfig.DRIFT_MIN_HISTORY_DAYS,
                config,
                () -> new DriftSettings(
                        config.getBoolean(ExfilguardConfig.DRIFT_ENABLED),
                        config.getInt(ExfilguardConfig.DRIFT_HISTORY_DAYS),
                        config.getInt(ExfilguardConfig.DRIFT_MIN_HISTORY_DAYS),
                        config.getDouble(ExfilguardConfig.DRIFT_RELATIVE_EXCESS),
                        config.getDouble(ExfilguardConfig.DRIFT_MAD_MULTIPLIER),
                        config.getLong(ExfilguardConfig.DRIFT_MIN_EXCESS_ROWS),
                        config.getInt(ExfilguardConfig.DRIFT_MIN_HOURS),
                        config.getInt(ExfilguardConfig.DRIFT_MAX_GAP_DAYS)));
    }
}
