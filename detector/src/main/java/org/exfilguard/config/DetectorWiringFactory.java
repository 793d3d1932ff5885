package org.exfilguard.config;

import java.util.Optional;
import org.exfilguard.topology.DetectorWiring;

/**
 * A {@link DetectorWiring.Builder} with every setting the configuration holds: detection, incidents, drift, egress,
 * the future-skew bound, the raw-topic normaliser and the profile caches. The caller adds the topics with their
 * serdes, the metrics, the version, the clock, the allow-list and the correlation.
 */
public final class DetectorWiringFactory {

    private DetectorWiringFactory() {}

    public static DetectorWiring.Builder from(ExfilguardConfig config) {
        return DetectorWiring.builder()
                .detection(DetectionSettingsFactory.from(config))
                .incidents(IncidentLifecycleFactory.from(config))
                .drift(DriftSettingsFactory.from(config))
                .egress(EgressSettingsFactory.from(config))
                .table(TableSettingsFactory.from(config))
                .weakReads(WeakReadSettingsFactory.from(config))
                .peerGroups(PeerGroupsFactory.from(config))
                .maxFutureSkew(config.maxFutureSkew())
                .normaliser(
                        config.getBoolean(ExfilguardConfig.RAW_NORMALISE)
                                ? Optional.of(config.normaliserSettings())
                                : Optional.empty())
                .profileCacheBytes(config.profileCacheBytes())
                .coalesceProfileWrites(config.profileWriteCacheBytes() > 0);
    }
}
