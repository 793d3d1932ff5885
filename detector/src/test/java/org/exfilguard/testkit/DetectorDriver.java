package org.exfilguard.testkit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.exfilguard.config.DetectorWiringFactory;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.suppress.AllowListSource;
import org.exfilguard.topology.DetectorSerdes;
import org.exfilguard.topology.DetectorTopology;
import org.exfilguard.topology.TopicRegistry;
import org.exfilguard.topology.Topics;

/**
 * The detector's real topology in a {@link TopologyTestDriver}, with Avro through the embedded schema registry:
 * pipe events with explicit event times, read alerts and dead letters.
 */
public final class DetectorDriver implements AutoCloseable {

    public static final Topics TOPICS = Topics.defaults();

    private final EmbeddedSchemaRegistry registry;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, DbAccessEvent> dbAccess;
    private final TestInputTopic<byte[], byte[]> rawDbAccess;
    private final TestInputTopic<byte[], byte[]> rawEgress;
    private final TestInputTopic<String, EgressEvent> egressInput;
    private final TestOutputTopic<String, String> alertsJson;
    private final TestOutputTopic<String, String> alertsEcs;
    private final TestOutputTopic<String, ExfiltrationAlert> alerts;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
    private final List<ExfiltrationAlert> seen = new ArrayList<>();
    private final SchemaRegistryClient client;
    private final TopicRegistry topics;
    private final int readPartitions;

    /** The detector with the default settings, no allow-list, profile writes past the record cache, the system clock. */
    public static DetectorDriver withDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder(Map.of(), AllowListSource.none(), false, java.time.Clock.systemUTC(), 1);
    }

    /**
     * How the driver's topology is configured: immutable, each {@code with} a copy (bakdata streams-bootstrap's
     * {@code TestTopologyFactory}), so a test names only what it changes. The topology is built as the detector's
     * is, through {@link DetectorWiringFactory} from the configuration.
     *
     * @param config                configuration keys set (every other key has its default)
     * @param coalesceProfileWrites as {@code read.profile.write.cache.bytes} > 0 sets it
     * @param wallClock             stamps the alert records' Kafka timestamps
     * @param readPartitions        the read tasks the driven task (partition 0) waits for (peer days)
     */
    public record Builder(
            Map<String, Object> config,
            AllowListSource allowList,
            boolean coalesceProfileWrites,
            java.time.Clock wallClock,
            int readPartitions) {

        public Builder {
            config = Map.copyOf(config);
        }

        /** The same driver with configuration key {@code key} set to {@code value}. */
        public Builder withConfig(String key, Object value) {
            Map<String, Object> more = new java.util.HashMap<>(config);
            more.put(key, value);
            return new Builder(more, allowList, coalesceProfileWrites, wallClock, readPartitions);
        }

        public Builder withAllowList(AllowListSource allowList) {
            return new Builder(config, allowList, coalesceProfileWrites, wallClock, readPartitions);
        }

        public Builder withCoalescedProfileWrites() {
            return new Builder(config, allowList, true, wallClock, readPartitions);
        }

        /** The driven task is partition 0 of {@code partitions} read tasks; the test sends the others' peer days. */
        public Builder withReadPartitions(int partitions) {
            return new Builder(config, allowList, coalesceProfileWrites, wallClock, partitions);
        }

        public Builder withWallClock(java.time.Clock wallClock) {
            return new Builder(config, allowList, coalesceProfileWrites, wallClock, readPartitions);
        }

        public DetectorDriver build() {
            return new DetectorDriver(this);
        }
    }

    private DetectorDriver(Builder setup) {
        try {
            registry = EmbeddedSchemaRegistry.start();
            client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
            AvroSerde<DbAccessEvent> events = AvroSerde.of(DbAccessEvent.class, client, false);
            AvroSerde<ExfiltrationAlert> alertSerde = AvroSerde.of(ExfiltrationAlert.class, client, false);
            AvroSerde<EgressEvent> egressSerde = AvroSerde.of(EgressEvent.class, client, false);
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "exfilguard-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("exfilguard-ttd").toString());
            props.put(
                    StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG,
                    org.exfilguard.config.StreamsSettings.RECORD_CACHE_BYTES);
            topics = new TopicRegistry(TOPICS, new DetectorSerdes(events, egressSerde, alertSerde));
            readPartitions = setup.readPartitions();
            driver = new TopologyTestDriver(
                    DetectorTopology.build(DetectorWiringFactory.from(new ExfilguardConfig(setup.config()))
                            .topics(topics)
                            .metrics(metrics)
                            .detectorVersion("test")
                            .wallClock(setup.wallClock())
                            .allowList(setup.allowList())
                            .coalesceProfileWrites(setup.coalesceProfileWrites())
                            .correlation(org.exfilguard.topology.Correlation.exact(setup.readPartitions()))
                            .build()),
                    props);
            alertsJson = driver.createOutputTopic(
                    TOPICS.rendering(AlertFormat.OCSF), new StringDeserializer(), new StringDeserializer());
            alertsEcs = driver.createOutputTopic(
                    TOPICS.rendering(AlertFormat.ECS), new StringDeserializer(), new StringDeserializer());
            egressInput = driver.createInputTopic(TOPICS.egress(), new StringSerializer(), egressSerde.serializer());
            dbAccess = driver.createInputTopic(TOPICS.dbAccess(), new StringSerializer(), events.serializer());
            rawDbAccess =
                    driver.createInputTopic(TOPICS.dbAccess(), new ByteArraySerializer(), new ByteArraySerializer());
            rawEgress = driver.createInputTopic(TOPICS.egress(), new ByteArraySerializer(), new ByteArraySerializer());
            alerts = driver.createOutputTopic(TOPICS.alerts(), new StringDeserializer(), alertSerde.deserializer());
            deadLetters = driver.createOutputTopic(
                    TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Pipes events keyed by account with their event time as the record timestamp, as replay does. */
    public DetectorDriver pipe(DbAccessEvent... events) {
        for (DbAccessEvent event : events) {
            dbAccess.pipeInput(event.getAccount(), event, event.getEventTime());
            tick();
        }
        return this;
    }

    public DetectorDriver pipe(Iterable<DbAccessEvent> events) {
        events.forEach(this::pipe);
        return this;
    }

    /** Pipes egress flows keyed by source ip with their event time. */
    public DetectorDriver pipeEgress(EgressEvent... events) {
        for (EgressEvent event : events) {
            egressInput.pipeInput(event.getSrcIp(), event, event.getEventTime());
            tick();
        }
        return this;
    }

    /** Wall time moves on by {@code duration} without input (the wall-clock punctuations run). */
    public DetectorDriver advanceWallClock(java.time.Duration duration) {
        driver.advanceWallClockTime(duration);
        return this;
    }

    /** Wall time moves on by one watermark interval: the read side tells the egress side how far it has come. */
    private void tick() {
        driver.advanceWallClockTime(
                java.time.Duration.ofMillis(org.exfilguard.topology.Correlation.DEFAULT_WATERMARK_INTERVAL_MS));
    }

    /**
     * Ends the input as a backtest does: both sides then judge and report everything the read side has closed, and
     * the closing records still waiting for their egress evidence are published.
     */
    public DetectorDriver endOfInput() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add(org.exfilguard.topology.EndOfInput.HEADER, new byte[0]);
        rawDbAccess.pipeInput(new TestRecord<>(new byte[0], new byte[0], headers, java.time.Instant.EPOCH));
        tick();
        rawEgress.pipeInput(new TestRecord<>(new byte[0], new byte[0], headers, java.time.Instant.EPOCH));
        tick();
        return this;
    }

    /** The peer days the driven read task sent (exfil-peer-days), in {@code SharedPeerDays.Contribution} layout. */
    public List<byte[]> peerDays() {
        return driver.createOutputTopic(
                        TOPICS.peerDays(),
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())
                .readValuesToList();
    }

    /** The read side's signals to the egress side (exfil-read-signals) since the last call. */
    public List<org.exfilguard.schema.state.ReadSignal> readSignals() {
        return driver.createOutputTopic(
                        topics.readSignals().name(),
                        new StringDeserializer(),
                        topics.readSignals().valueSerde().deserializer())
                .readValuesToList();
    }

    /**
     * Another read task's watermark ({@code source}, one of the read partitions): it will send no signal with a
     * checkpoint at or before {@code mark} (Long.MAX_VALUE: its reads have ended).
     */
    public DetectorDriver pipeReadWatermark(int source, long mark) {
        driver.createInputTopic(
                        topics.readSignals().name(),
                        new StringSerializer(),
                        topics.readSignals().valueSerde().serializer())
                .pipeInput(
                        "",
                        org.exfilguard.detect.ReadSignals.watermark(mark, mark, source, readPartitions, false),
                        java.time.Instant.EPOCH);
        tick();
        return this;
    }

    /** Another read task's peer day, as it would arrive on exfil-peer-days. */
    public DetectorDriver pipePeerDay(String key, byte[] value) {
        driver.createInputTopic(TOPICS.peerDays(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(key, value, java.time.Instant.EPOCH);
        return this;
    }

    public DetectorDriver pipeRaw(byte[] value, java.time.Instant timestamp) {
        rawDbAccess.pipeInput(null, value, timestamp);
        return this;
    }

    /** The alert records emitted since the last call of this or {@link #alerts()}, with their Kafka timestamps. */
    public List<org.apache.kafka.streams.test.TestRecord<String, ExfiltrationAlert>> alertRecords() {
        List<org.apache.kafka.streams.test.TestRecord<String, ExfiltrationAlert>> records = alerts.readRecordsToList();
        records.forEach(r -> seen.add(r.value()));
        return records;
    }

    /** Every alert emitted so far, in order. */
    /** The records the read side sent to the table profile (exfil-table-reads), in TableReads' layout. */
    public List<byte[]> tableReads() {
        return driver.createOutputTopic(
                        TOPICS.tableReads(),
                        new org.apache.kafka.common.serialization.StringDeserializer(),
                        new org.apache.kafka.common.serialization.ByteArrayDeserializer())
                .readValuesToList();
    }

    public List<ExfiltrationAlert> alerts() {
        alerts.readValuesToList().forEach(seen::add);
        return List.copyOf(seen);
    }

    /** The OCSF records published on exfil-alerts-json since the last read, with their Kafka timestamps. */
    public List<org.apache.kafka.streams.test.TestRecord<String, String>> alertsJsonRecords() {
        return alertsJson.readRecordsToList();
    }

    /** The OCSF renderings published on exfil-alerts-json so far. */
    public List<String> alertsJson() {
        return alertsJson.readValuesToList();
    }

    /** The ECS renderings published on exfil-alerts-ecs so far. */
    public List<String> alertsEcs() {
        return alertsEcs.readValuesToList();
    }

    /** Every value the driver's state stores hold, as text (for leakage checks). */
    public String stateDump() {
        StringBuilder out = new StringBuilder();
        for (String name : driver.getAllStateStores().keySet()) {
            var store = driver.getKeyValueStore(name);
            try (var all = store.all()) {
                all.forEachRemaining(kv ->
                        out.append(kv.key).append('=').append(text(kv.value)).append('\n'));
            }
        }
        return out.toString();
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes
                ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                : String.valueOf(value);
    }

    public List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    public DetectorMetrics metrics() {
        return metrics;
    }

    public SchemaRegistryClient registryClient() {
        return client;
    }

    @Override
    public void close() {
        driver.close();
        registry.close();
    }
}
