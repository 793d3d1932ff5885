package org.exfilguard.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.DriftSettings;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.detect.PeerGroups;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.detect.WeakReadSettings;
import org.exfilguard.incident.IncidentLifecycle;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.suppress.AllowListSource;

/**
 * Everything the detector's topology is built from: the detection settings, the topics, the metrics and the wall
 * clock. {@code run}, {@code demo}, {@code backtest}, {@code bench} and the tests all build the topology through it
 * ({@link DetectorTopology#build}); the configuration fills the settings (see the config package's
 * {@code DetectorWiringFactory}) and the caller adds what only it has.
 *
 * @param detection             the read side: tables, volume rules, tier floors, off-hours rule
 * @param incidents             when incidents update and close, and their severities
 * @param drift                 the slow-drift detector
 * @param egress                the egress side
 * @param table                 the profile of each sensitive table across its accounts (whether it runs)
 * @param weakReads             reads above the account's norm for the hour but below the alert floor, watched for
 *                              egress to new destinations
 * @param peerGroups            the groups new accounts are judged against (none: the whole population)
 * @param maxFutureSkew         events further than this ahead of the wall clock go to the dead-letter topic
 * @param wallClock             bounds future timestamps and stamps the alert records' Kafka timestamps (the only
 *                              uses of wall time: windows, baselines and incidents run on event time)
 * @param normaliser            how raw shipper topics are parsed; empty: no normaliser
 * @param profileCacheBytes     bytes of encoded profiles each task keeps in memory in front of its store (0: none)
 * @param coalesceProfileWrites whether profile writes go through Kafka Streams' record cache (a profile rewritten
 *                              many times between commits then reaches RocksDB and its changelog once)
 * @param correlation           how the read and egress sides wait for each other
 */
public record DetectorWiring(
        DetectionSettings detection,
        IncidentLifecycle incidents,
        DriftSettings drift,
        EgressSettings egress,
        TableSettings table,
        WeakReadSettings weakReads,
        PeerGroups peerGroups,
        Duration maxFutureSkew,
        TopicRegistry topics,
        DetectorMetrics metrics,
        String detectorVersion,
        Clock wallClock,
        AllowListSource allowList,
        Optional<NormaliserSettings> normaliser,
        long profileCacheBytes,
        boolean coalesceProfileWrites,
        Correlation correlation) {

    public DetectorWiring {
        Objects.requireNonNull(detection, "detection");
        Objects.requireNonNull(incidents, "incidents");
        Objects.requireNonNull(drift, "drift");
        Objects.requireNonNull(egress, "egress");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(weakReads, "weakReads");
        Objects.requireNonNull(peerGroups, "peerGroups");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(detectorVersion, "detectorVersion");
        Objects.requireNonNull(wallClock, "wallClock");
        Objects.requireNonNull(allowList, "allowList");
        Objects.requireNonNull(normaliser, "normaliser");
        Objects.requireNonNull(correlation, "correlation");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Collects the wiring a piece at a time. Without a call: the system clock, no allow-list, no normaliser, the
     * default profile cache with writes past the record cache, and the correlation of one exact read partition.
     */
    public static final class Builder {
        private DetectionSettings detection;
        private IncidentLifecycle incidents;
        private DriftSettings drift;
        private EgressSettings egress;
        private TableSettings table = TableSettings.defaults();
        /** Null until set: then the defaults on the egress side's horizon and floor. */
        private WeakReadSettings weakReads;

        private PeerGroups peerGroups = PeerGroups.none();
        private Duration maxFutureSkew;
        private TopicRegistry topics;
        private DetectorMetrics metrics;
        private String detectorVersion;
        private Clock wallClock = Clock.systemUTC();
        private AllowListSource allowList = AllowListSource.none();
        private Optional<NormaliserSettings> normaliser = Optional.empty();
        private long profileCacheBytes = DetectorTopology.DEFAULT_PROFILE_CACHE_BYTES;
        private boolean coalesceProfileWrites;
        private Correlation correlation = Correlation.exact(1);

        private Builder() {}

        public Builder detection(DetectionSettings detection) {
            this.detection = detection;
            return this;
        }

        public Builder incidents(IncidentLifecycle incidents) {
            this.incidents = incidents;
            return this;
        }

        public Builder drift(DriftSettings drift) {
            this.drift = drift;
            return this;
        }

        public Builder egress(EgressSettings egress) {
            this.egress = egress;
            return this;
        }

        public Builder table(TableSettings table) {
            this.table = table;
            return this;
        }

        public Builder weakReads(WeakReadSettings weakReads) {
            this.weakReads = weakReads;
            return this;
        }

        public Builder peerGroups(PeerGroups peerGroups) {
            this.peerGroups = peerGroups;
            return this;
        }

        public Builder maxFutureSkew(Duration maxFutureSkew) {
            this.maxFutureSkew = maxFutureSkew;
            return this;
        }

        public Builder topics(TopicRegistry topics) {
            this.topics = topics;
            return this;
        }

        public Builder metrics(DetectorMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder detectorVersion(String detectorVersion) {
            this.detectorVersion = detectorVersion;
            return this;
        }

        public Builder wallClock(Clock wallClock) {
            this.wallClock = wallClock;
            return this;
        }

        public Builder allowList(AllowListSource allowList) {
            this.allowList = allowList;
            return this;
        }

        public Builder normaliser(Optional<NormaliserSettings> normaliser) {
            this.normaliser = normaliser;
            return this;
        }

        public Builder profileCacheBytes(long profileCacheBytes) {
            this.profileCacheBytes = profileCacheBytes;
            return this;
        }

        public Builder coalesceProfileWrites(boolean coalesceProfileWrites) {
            this.coalesceProfileWrites = coalesceProfileWrites;
            return this;
        }

        public Builder correlation(Correlation correlation) {
            this.correlation = correlation;
            return this;
        }

        public DetectorWiring build() {
            return new DetectorWiring(
                    detection,
                    incidents,
                    drift,
                    egress,
                    table,
                    weakReads != null
                            ? weakReads
                            : new WeakReadSettings(
                                    true,
                                    WeakReadSettings.DEFAULT_FACTOR,
                                    WeakReadSettings.DEFAULT_MIN_ROWS,
                                    egress.horizon(),
                                    egress.weakMinUnusualBytes()),
                    peerGroups,
                    maxFutureSkew,
                    topics,
                    metrics,
                    detectorVersion,
                    wallClock,
                    allowList,
                    normaliser,
                    profileCacheBytes,
                    coalesceProfileWrites,
                    correlation);
        }
    }
}
