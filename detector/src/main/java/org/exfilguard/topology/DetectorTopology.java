package org.exfilguard.topology;

import java.time.Clock;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.suppress.AlertSuppressor;

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
 * read-profile ─▶ exfil-peer-days ─▶ read-profile (each read task's daily peer peaks, to every read task)
 * decode-db-access ─▶ table-key ─▶ exfil-table-reads (sums per table, account and minute, keyed by table; the read
 *                                    │                 tasks' watermarks to every partition)
 *                                    └─▶ table-profile ─▶ the alert topics (TABLE_SURGE, account '*')
 *                                              └─▶ exfil-egress-updates (links to the named accounts' incidents, and
 *                                                  each table's decided mark to every partition) ─▶ read-profile
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
    public static final String TABLE_KEY = "table-key";
    public static final String TABLE_READS_SINK = "table-reads-sink";
    public static final String TABLE_READS_SOURCE = "table-reads-source";
    public static final String TABLE_PROFILE = "table-profile";
    public static final String TABLE_LINKS_SINK = "table-links-sink";
    public static final String PEER_DAYS_SINK = "peer-days-sink";
    public static final String PEER_DAYS_SOURCE = "peer-days-source";
    /** Default of {@code read.profile.cache.bytes}: encoded profiles each task keeps in memory. */
    public static final long DEFAULT_PROFILE_CACHE_BYTES = 16L * 1024 * 1024;

    private DetectorTopology() {}

    /** The sink of a published alert format: alerts-ocsf-sink, alerts-ecs-sink. */
    static String renderingSink(AlertFormat format) {
        return "alerts-" + format.id() + "-sink";
    }

    /** The topology of {@code wiring}: the detector that runs and the one tests drive are built here alike. */
    public static Topology build(DetectorWiring wiring) {
        TopicRegistry topics = wiring.topics();
        DetectorMetrics metrics = wiring.metrics();
        Clock wallClock = wiring.wallClock();
        EventValidator validator = new EventValidator(wiring.maxFutureSkew());
        TableSettings table = wiring.table();
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
        // Each read task's daily peer peaks, to every read task (see SharedPeerDays).
        topology.addSource(
                PEER_DAYS_SOURCE,
                topics.peerDays().keySerde().deserializer(),
                ReadInput.peerDays(),
                topics.peerDays().name());

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
                        table.enabled() ? List.of(READ_PROFILE, TABLE_KEY) : List.of(READ_PROFILE),
                        ReadInput.Read::new,
                        DEAD_LETTER_SINK,
                        true,
                        wiring.detection().volume().longestWindow()),
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
                        List.of(EGRESS_PROFILE),
                        event -> event,
                        DEAD_LETTER_SINK,
                        false,
                        wiring.egress().volume().longestWindow()),
                EGRESS_SOURCE);
        List<ReadProfileSupplier.RenderingSink> renderingSinks = topics.renderings().stream()
                .map(r -> new ReadProfileSupplier.RenderingSink(r.format(), renderingSink(r.format())))
                .toList();
        topology.addProcessor(
                READ_PROFILE,
                new ReadProfileSupplier(
                        wiring,
                        new AlertSuppressor(wiring.allowList(), () -> metrics.suppression("allow_list")),
                        new ReadProfileSupplier.Sinks(ALERTS_SINK, renderingSinks, READ_SIGNALS_SINK, PEER_DAYS_SINK)),
                DECODE_DB_ACCESS,
                EGRESS_UPDATES_SOURCE,
                PEER_DAYS_SOURCE);
        topology.addProcessor(
                EGRESS_PROFILE,
                new EgressProfileSupplier(
                        wiring.egress(), metrics, wiring.correlation().idle()),
                DECODE_EGRESS,
                READ_SIGNALS_SOURCE);

        String[] alerting = {READ_PROFILE};
        if (table.enabled()) {
            // Sensitive reads summed per minute and re-keyed by table (a repartition through exfil-table-reads, so
            // each table's profile lives on one task and the tables spread over the cluster).
            topology.addProcessor(
                    TABLE_KEY,
                    new TableKeySupplier(wiring.detection(), wiring.correlation(), TABLE_READS_SINK),
                    DECODE_DB_ACCESS);
            topics.tableReads().addSink(topology, TABLE_READS_SINK, new TableReadPartitioner(), TABLE_KEY);
            topics.tableReads().addSource(topology, TABLE_READS_SOURCE);
            topology.addProcessor(
                    TABLE_PROFILE,
                    new TableProfileSupplier(
                            table,
                            wiring.detectorVersion(),
                            new AlertSuppressor(wiring.allowList(), () -> metrics.suppression("allow_list")),
                            metrics,
                            new ReadProfileSupplier.Sinks(ALERTS_SINK, renderingSinks, READ_SIGNALS_SINK),
                            wallClock,
                            wiring.correlation().readPartitions(),
                            TABLE_LINKS_SINK),
                    TABLE_READS_SOURCE);
            // Links from table incidents to their accounts' own incidents go to the read side keyed by account, and
            // each table's decided mark to every read task (which holds an incident's close until it has it).
            topics.egressUpdates().addSink(topology, TABLE_LINKS_SINK, new TableLinkPartitioner(), TABLE_PROFILE);
            alerting = new String[] {READ_PROFILE, TABLE_PROFILE};
            // The current minute's sums, rewritten by each sensitive read: the record cache makes that one put per
            // commit.
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(StoreNames.TABLE_KEY_BUFFER),
                                    Serdes.String(),
                                    Serdes.ByteArray())
                            .withCachingEnabled(),
                    TABLE_KEY);
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(StoreNames.TABLE_PROFILES),
                                    Serdes.String(),
                                    Serdes.ByteArray())
                            .withCachingEnabled(),
                    TABLE_PROFILE);
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(StoreNames.TABLE_PENDING),
                                    Serdes.String(),
                                    Serdes.ByteArray())
                            .withCachingEnabled(),
                    TABLE_PROFILE);
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(StoreNames.TABLE_CLOCK),
                                    Serdes.String(),
                                    Serdes.Long())
                            .withCachingEnabled(),
                    TABLE_PROFILE);
        }
        topics.deadLetters().addSink(topology, DEAD_LETTER_SINK, DECODE_DB_ACCESS, DECODE_EGRESS);
        topics.alerts().addSink(topology, ALERTS_SINK, alerting);
        // The same alerts in each published format (alerts.json.formats): OCSF and ECS JSON for SIEMs by default.
        String[] renderingParents = alerting;
        topics.renderings().forEach(r -> r.topic().addSink(topology, renderingSink(r.format()), renderingParents));
        // Signals go to their host's partition; the read side's watermarks to every partition (each egress task waits
        // for the watermark of every read task).
        topics.readSignals().addSink(topology, READ_SIGNALS_SINK, new WatermarkPartitioner(), READ_PROFILE);
        topics.egressUpdates().addSink(topology, EGRESS_UPDATES_SINK, EGRESS_PROFILE);
        topics.peerDays().addSink(topology, PEER_DAYS_SINK, new PeerDayPartitioner(), READ_PROFILE);

        // Persistent, changelogged stores. Hosts bypass Kafka Streams' record cache, and so do profiles unless
        // read.profile.write.cache.bytes is set: when reads spread over many accounts each profile is written about
        // once per commit anyway and the cache only adds work (the read side has its own caches); when a few busy
        // accounts carry most reads (service accounts, as in the standard backtest) it writes their profiles once
        // per commit instead of once per read. The peer baselines and open incidents always use it: a few keys
        // rewritten by most events (see StreamsSettings).
        StoreBuilder<KeyValueStore<String, byte[]>> profiles = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.READ_PROFILES), Serdes.String(), Serdes.ByteArray());
        topology.addStateStore(wiring.coalesceProfileWrites() ? profiles.withCachingEnabled() : profiles, READ_PROFILE);
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
        wiring.normaliser()
                .ifPresent(n -> NormaliserTopology.add(
                        topology,
                        topics,
                        n,
                        metrics,
                        wallClock,
                        EventTimes.sendLimit(EventTimes.KAFKA_DEFAULT_AHEAD, wiring.maxFutureSkew())));
        return topology;
    }
}
