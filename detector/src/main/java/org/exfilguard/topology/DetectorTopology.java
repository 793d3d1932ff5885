package org.exfilguard.topology;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.DriftSettings;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.detect.PeerGroups;
import org.exfilguard.detect.WeakReadSettings;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.suppress.AlertSuppressor;
import org.exfilguard.suppress.AllowListSource;

/**
 * Builds the detector's topology from its settings. A pure function: it reads no environment, file or clock
 * (the wall clock it bounds future timestamps with is passed in); the caller wires it to {@code KafkaStreams},
 * and tests build the very same topology.
 *
 * <pre>
 * db-access ─▶ decode-db-access ─┬─▶ read-profile ─┬─▶ exfil-alerts, and per alerts.json.formats exfil-alerts-json (OCSF), exfil-alerts-ecs
 * exfil-egress-updates ──────────┼──────▲          └─▶ exfil-read-signals ─┐
 *                                └─▶ exfil-dlq                             │
 * egress ────▶ decode-egress ────┬─▶ egress-profile ◀──────────────────────┘
 *                                │        └─▶ exfil-egress-updates (evidence for open incidents, keyed by account)
 *                                └─▶ exfil-dlq
 * </pre>
 */
public final class DetectorTopology {

    public static final String DB_ACCESS_SOURCE = "db-access-source";
    public static final String EGRESS_SOURCE = "egress-source";
    public static final String READ_SIGNALS_SOURCE = "read-signals-source";
    public static final String EGRESS_UPDATES_SOURCE = "egress-updates-source";
    public static final String DECODE_DB_ACCESS = "decode-db-access";
    public static final String DECODE_EGRESS = "decode-egress";
    public static final String READ_PROFILE = "read-profile";
    public static final String EGRESS_PROFILE = "egress-profile";
    public static final String ALERTS_SINK = "alerts-sink";
    public static final String READ_SIGNALS_SINK = "read-signals-sink";
    public static final String EGRESS_UPDATES_SINK = "egress-updates-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    /** Default of {@code read.profile.cache.bytes}: encoded profiles each task keeps in memory. */
    public static final long DEFAULT_PROFILE_CACHE_BYTES = 16L * 1024 * 1024;

    private DetectorTopology() {}

    /** The sink of a published alert format: alerts-ocsf-sink, alerts-ecs-sink. */
    static String renderingSink(AlertFormat format) {
        return "alerts-" + format.id() + "-sink";
    }

    private static java.time.Duration longestWindow(DetectionSettings settings) {
        return settings.windows().stream()
                .map(w -> w.length())
                .max(java.util.Comparator.naturalOrder())
                .orElseThrow();
    }

    /**
     * The topology, with the wall clock that bounds how far in the future an event may claim to be and stamps the alert
     * records' Kafka timestamps (the only uses of wall time: every window, baseline and incident runs on event time,
     * and the alerts' content does not depend on it), and the bytes of encoded profiles each
     * task keeps in memory in front of its store (0: none), and whether profile writes go through Kafka Streams'
     * record cache (a profile rewritten many times between commits then reaches RocksDB and its changelog once).
     */
    public static Topology build(
            DetectionSettings settings,
            EgressSettings egress,
            TopicRegistry topics,
            DetectorMetrics metrics,
            String detectorVersion,
            Clock wallClock,
            AllowListSource allowList,
            Optional<NormaliserSettings> normaliser,
            long profileCacheBytes,
            boolean coalesceProfileWrites,
            Correlation correlation) {
        return build(
                settings,
                egress,
                topics,
                metrics,
                detectorVersion,
                wallClock,
                allowList,
                normaliser,
                profileCacheBytes,
                coalesceProfileWrites,
                correlation,
                DriftSettings.defaults());
    }

    /**
     * The topology, with the slow-drift detector's settings (the overload above uses its defaults) and the weak reads'
     * defaults on the egress side's horizon and floor.
     */
    public static Topology build(
            DetectionSettings settings,
            EgressSettings egress,
            TopicRegistry topics,
            DetectorMetrics metrics,
            String detectorVersion,
            Clock wallClock,
            AllowListSource allowList,
            Optional<NormaliserSettings> normaliser,
            long profileCacheBytes,
            boolean coalesceProfileWrites,
            Correlation correlation,
            DriftSettings drift) {
        return build(
                settings,
                egress,
                topics,
                metrics,
                detectorVersion,
                wallClock,
                allowList,
                normaliser,
                profileCacheBytes,
                coalesceProfileWrites,
                correlation,
                drift,
                new WeakReadSettings(
                        true,
                        WeakReadSettings.DEFAULT_FACTOR,
                        WeakReadSettings.DEFAULT_MIN_ROWS,
                        egress.horizon(),
                        egress.minUnusualBytes()),
                PeerGroups.none());
    }

    /**
     * The topology, with the slow-drift detector's and the weak reads' settings, and the peer groups new accounts are
     * judged against.
     */
    public static Topology build(
            DetectionSettings settings,
            EgressSettings egress,
            TopicRegistry topics,
            DetectorMetrics metrics,
            String detectorVersion,
            Clock wallClock,
            AllowListSource allowList,
            Optional<NormaliserSettings> normaliser,
            long profileCacheBytes,
            boolean coalesceProfileWrites,
            Correlation correlation,
            DriftSettings drift,
            WeakReadSettings weak,
            PeerGroups peerGroups) {
        EventValidator validator = new EventValidator(settings.maxFutureSkew());
        Topology topology = new Topology();
        // Bytes in: decoding happens in our processors so a bad record becomes a dead letter with a reason
        // instead of a deserialisation-handler log line.
        topology.addSource(
                DB_ACCESS_SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                topics.dbAccess().name());
        topology.addSource(
                EGRESS_SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                topics.egress().name());
        topics.readSignals().addSource(topology, READ_SIGNALS_SOURCE);
        Topic<String, EgressUpdate> updates = topics.egressUpdates();
        topology.addSource(
                EGRESS_UPDATES_SOURCE,
                updates.keySerde().deserializer(),
                ReadInput.egressUpdates(updates.valueSerde().deserializer()),
                updates.name());

        topology.addProcessor(
                DECODE_DB_ACCESS,
                new DecodeSupplier<DbAccessEvent>(
                        ReadProfileSupplier.SOURCE,
                        topics.dbAccess().valueSerde().deserializer(),
                        validator::check,
                        DbAccessEvent::getAccount,
                        DbAccessEvent::getEventTime,
                        wallClock,
                        metrics,
                        READ_PROFILE,
                        ReadInput.Read::new,
                        DEAD_LETTER_SINK,
                        true,
                        longestWindow(settings)),
                DB_ACCESS_SOURCE);
        topology.addProcessor(
                DECODE_EGRESS,
                new DecodeSupplier<EgressEvent>(
                        EgressProfileSupplier.SOURCE,
                        topics.egress().valueSerde().deserializer(),
                        validator::check,
                        EgressEvent::getSrcIp,
                        EgressEvent::getEventTime,
                        wallClock,
                        metrics,
                        EGRESS_PROFILE,
                        event -> event,
                        DEAD_LETTER_SINK,
                        false,
                        longestWindow(egress.volume())),
                EGRESS_SOURCE);
        List<ReadProfileSupplier.RenderingSink> renderingSinks = topics.renderings().stream()
                .map(r -> new ReadProfileSupplier.RenderingSink(r.format(), renderingSink(r.format())))
                .toList();
        topology.addProcessor(
                READ_PROFILE,
                new ReadProfileSupplier(
                        settings,
                        detectorVersion,
                        profileCacheBytes,
                        new AlertSuppressor(allowList, () -> metrics.suppression("allow_list")),
                        metrics,
                        new ReadProfileSupplier.Sinks(ALERTS_SINK, renderingSinks, READ_SIGNALS_SINK),
                        wallClock,
                        correlation,
                        drift,
                        weak,
                        peerGroups),
                DECODE_DB_ACCESS,
                EGRESS_UPDATES_SOURCE);
        topology.addProcessor(
                EGRESS_PROFILE,
                new EgressProfileSupplier(egress, metrics, correlation.idle()),
                DECODE_EGRESS,
                READ_SIGNALS_SOURCE);

        topics.deadLetters().addSink(topology, DEAD_LETTER_SINK, DECODE_DB_ACCESS, DECODE_EGRESS);
        topics.alerts().addSink(topology, ALERTS_SINK, READ_PROFILE);
        // The same alerts in each published format (alerts.json.formats): OCSF and ECS JSON for SIEMs by default.
        topics.renderings().forEach(r -> r.topic().addSink(topology, renderingSink(r.format()), READ_PROFILE));
        // Signals go to their host's partition; the read side's watermarks to every partition (each egress task waits
        // for the watermark of every read task).
        topics.readSignals().addSink(topology, READ_SIGNALS_SINK, new WatermarkPartitioner(), READ_PROFILE);
        topics.egressUpdates().addSink(topology, EGRESS_UPDATES_SINK, EGRESS_PROFILE);

        // Persistent, changelogged stores. Hosts bypass Kafka Streams' record cache, and so do profiles unless
        // read.profile.write.cache.bytes is set: when reads spread over many accounts each profile is written about
        // once per commit anyway and the cache only adds work (the read side has its own caches); when a few busy
        // accounts carry most reads (service accounts, as in the standard backtest) it writes their profiles once
        // per commit instead of once per read. The peer baselines and open incidents always use it: a few keys
        // rewritten by most events (see StreamsSettings).
        StoreBuilder<KeyValueStore<String, byte[]>> profiles = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.READ_PROFILES), Serdes.String(), Serdes.ByteArray());
        topology.addStateStore(coalesceProfileWrites ? profiles.withCachingEnabled() : profiles, READ_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.PEER_BASELINES),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                READ_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.OPEN_INCIDENTS),
                                Serdes.String(),
                                Serdes.Long())
                        .withCachingEnabled(),
                READ_PROFILE);
        // Drift state: one small record per (account, scope), rewritten by each of its reads; the record cache turns
        // a busy account's reads into one write per commit.
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.DRIFT_STATE),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                READ_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.EVENT_CLOCK), Serdes.String(), Serdes.Long()),
                DECODE_DB_ACCESS,
                READ_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.INCIDENT_EGRESS),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                READ_PROFILE);
        // The egress stores use the record cache: a busy host's record and its fresh entries are rewritten by most of
        // its flows, and the cache turns that into one RocksDB put and one changelog record per commit (without it,
        // RocksDB.put took as much of the stream thread as all the Java code in `bench throughput --mix realistic`).
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.EGRESS_HOSTS),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                EGRESS_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.EGRESS_DESTINATIONS),
                                Serdes.String(),
                                Serdes.Long())
                        .withCachingEnabled(),
                EGRESS_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.EGRESS_FRESH),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                EGRESS_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ORG_DESTINATIONS), Serdes.String(), Serdes.Long()),
                EGRESS_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.EGRESS_CLOCK), Serdes.String(), Serdes.Long())
                        .withCachingEnabled(),
                EGRESS_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.EGRESS_WATCHED),
                                Serdes.String(),
                                Serdes.Long())
                        .withCachingEnabled(),
                EGRESS_PROFILE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.EGRESS_PEER_BASELINES),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                EGRESS_PROFILE);
        // Raw lines from shippers, parsed into the canonical topics above (and so through the same detection).
        // The canonical topics are on the live cluster, whose brokers refuse a timestamp over an hour ahead by default.
        normaliser.ifPresent(n -> NormaliserTopology.add(
                topology,
                topics,
                n,
                metrics,
                wallClock,
                EventTimes.sendLimit(EventTimes.KAFKA_DEFAULT_AHEAD, settings.maxFutureSkew())));
        return topology;
    }
}
