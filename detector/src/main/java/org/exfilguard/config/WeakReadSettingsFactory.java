package org.exfilguard.config;

import java.time.Duration;
import org.exfilguard.detect.WeakReadSettings;

/** The weak reads' settings, on the egress side's horizon, with their own egress floor. */
public final class WeakReadSettingsFactory {

    private WeakReadSettingsFactory() {}

    public static WeakReadSettings from(ExfilguardConfig config) {
        return new WeakReadSettings(
                config.getBoolean(ExfilguardConfig.WEAK_READ_ENABLED),
                config.getDouble(ExfilguardConfig.WEAK_READ_FACTOR),
                config.getLong(ExfilguardConfig.WEAK_READ_MIN_ROWS),
                Duration.ofMinutes(config.getInt(ExfilguardConfig.EGRESS_HORIZON_MINUTES)),
                config.getLong(ExfilguardConfig.WEAK_READ_EGRESS_MIN_BYTES));
    }
}
