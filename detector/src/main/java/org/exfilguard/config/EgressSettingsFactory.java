package org.exfilguard.config;

import java.time.Duration;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.ingest.InternalNetworks;

/**
 * The egress side's {@link EgressSettings} from the configuration. The per-host volume is judged as reads are
 * (baseline, thresholds, peers and recurrence from their keys) in its own windows, with its own cold-start floor in
 * bytes ({@code egress.cold.start.min.bytes}).
 */
public final class EgressSettingsFactory {

    private EgressSettingsFactory() {}

    public static EgressSettings from(ExfilguardConfig config) {
        return new EgressSettings(
                DetectionSettingsFactory.keyed(
                        ExfilguardConfig.INTERNAL_NETWORKS,
                        config,
                        () -> InternalNetworks.of(config.getList(ExfilguardConfig.INTERNAL_NETWORKS))),
                DetectionSettingsFactory.keyed(
                        ExfilguardConfig.KNOWN_DESTINATIONS,
                        config,
                        () -> InternalNetworks.of(config.getList(ExfilguardConfig.KNOWN_DESTINATIONS))),
                Duration.ofMinutes(config.getInt(ExfilguardConfig.EGRESS_HORIZON_MINUTES)),
                config.getLong(ExfilguardConfig.EGRESS_MIN_UNUSUAL_BYTES),
                config.getLong(ExfilguardConfig.WEAK_READ_EGRESS_MIN_BYTES),
                DetectionSettingsFactory.volume(
                        config,
                        DetectionSettingsFactory.windows(config, ExfilguardConfig.EGRESS_WINDOWS),
                        DetectionSettingsFactory.coldStart(config)
                                .withFloor(config.getLong(ExfilguardConfig.EGRESS_COLD_START_MIN_BYTES))),
                config.getInt(ExfilguardConfig.EGRESS_MAX_DESTINATIONS));
    }
}
