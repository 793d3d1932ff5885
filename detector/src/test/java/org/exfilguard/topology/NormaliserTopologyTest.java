package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NormaliserTopologyTest {

    static final Topics TOPICS = Topics.defaults();
    /** The normaliser's wall clock: a day after the sample entries. */
    static final Instant NOW = Instant.parse("2026-03-03T00:00:00Z");

    static final String SLOW_LOG_ENTRY = """
            # Time: 2026-03-02T00:02:39.008000Z
            # User@Host: svc_shop_app[svc_shop_app] @ app-01.prod.coop.example [10.10.1.10]  Id: 220001007
            # Query_time: 0.000478  Lock_time: 0.000009 Rows_sent: 15  Rows_examined: 15
            use coop;
            SET timestamp=1772409759;
            SELECT * FROM coop.members WHERE id BETWEEN 2059325 AND 2059339;
            """;

    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    private final SchemaRegistryClient client =
            new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
    private final DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        registry.close();
    }

    private TopologyTestDriver start(NormaliserSettings settings) throws Exception {
        TopicRegistry topics = new TopicRegistry(
                TOPICS,
                new DetectorSerdes(
                        AvroSerde.of(DbAccessEvent.class, client, false),
                        AvroSerde.of(EgressEvent.class, client, false),
                        AvroSerde.of(ExfiltrationAlert.class, client, false)));
        Topology topology = NormaliserTopology.add(
                new Topology(),
                topics,
                settings,
                metrics,
                java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC),
                java.time.Duration.ofMinutes(55));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "normaliser-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("normaliser-ttd").toString());
        driver = new TopologyTestDriver(topology, props);
        return driver;
    }

    private TestInputTopic<byte[], byte[]> raw(String topic) {
        return driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<TestRecord<String, DbAccessEvent>> dbEvents() {
        TestOutputTopic<String, DbAccessEvent> out = driver.createOutputTopic(
                TOPICS.dbAccess(),
                new StringDeserializer(),
                AvroSerde.of(DbAccessEvent.class, client, false).deserializer());
        return out.readRecordsToList();
    }

    private List<TestRecord<byte[], byte[]>> deadLetters() {
        return driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    @Test
    void multiLineSlowLogEntryShippedAsOneRecordBecomesOneEventKeyedByAccountAtEventTime() throws Exception {
        start(NormaliserSettings.detect());
        // The shipper's own timestamp (ingestion time) must not become the event's record time.
        raw(TOPICS.rawDbLogs()).pipeInput(utf8("app-01"), utf8(SLOW_LOG_ENTRY), Instant.parse("2026-04-01T00:00:00Z"));

        List<TestRecord<String, DbAccessEvent>> events = dbEvents();
        assertThat(events).hasSize(1);
        TestRecord<String, DbAccessEvent> e = events.get(0);
        assertThat(e.key()).isEqualTo("svc_shop_app");
        assertThat(e.value().getTables()).containsExactly("coop.members");
        assertThat(e.value().getRowsReturned()).isEqualTo(15);
        // SET timestamp (whole seconds) is when the statement started; the parser prefers it to # Time.
        assertThat(e.value().getEventTime()).isEqualTo(Instant.parse("2026-03-02T00:02:39Z"));
        assertThat(e.getRecordTime()).isEqualTo(e.value().getEventTime());
        assertThat(deadLetters()).isEmpty();
        assertThat(metrics.count("exfil.events", "source", "raw-db", "outcome", "normalised"))
                .isEqualTo(1);
    }

    @Test
    void consecutiveEntriesOnAPartitionKeepTheDatabaseContext() throws Exception {
        start(NormaliserSettings.of("mysql-slow", "auto"));
        TestInputTopic<byte[], byte[]> in = raw(TOPICS.rawDbLogs());
        in.pipeInput(null, utf8(SLOW_LOG_ENTRY));
        in.pipeInput(null, utf8("""
                # Time: 2026-03-02T00:05:38.358000Z
                # User@Host: svc_shop_app[svc_shop_app] @ app-01.prod.coop.example [10.10.1.10]  Id: 220001006
                # Query_time: 0.000748  Lock_time: 0.000030 Rows_sent: 5  Rows_examined: 5
                SET timestamp=1772409938;
                SELECT * FROM member_cards WHERE id = 3;
                """));
        List<TestRecord<String, DbAccessEvent>> events = dbEvents();
        assertThat(events).hasSize(2);
        assertThat(events.get(1).value().getTables()).containsExactly("coop.member_cards");
    }

    @Test
    void garbageBecomesADeadLetterWithReasonAndOriginalBytes() throws Exception {
        start(NormaliserSettings.detect());
        byte[] garbage = utf8("hello, this is not a log line");
        raw(TOPICS.rawDbLogs()).pipeInput(utf8("k"), garbage, Instant.parse("2026-03-02T00:00:00Z"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(dead.get(0).key()).isEqualTo(utf8("k"));
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON))
                .isEqualTo("unknown_format");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.STAGE)).isEqualTo("normalise");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.TOPIC)).isEqualTo(TOPICS.rawDbLogs());
        assertThat(dbEvents()).isEmpty();
        assertThat(metrics.count("exfil.dead.letters", "source", "raw-db", "reason", "unknown_format"))
                .isEqualTo(1);
    }

    @Test
    void entryThatTheParserRejectsIsDeadLetteredWithTheParsersReason() throws Exception {
        start(NormaliserSettings.of("mysql-slow", "auto"));
        raw(TOPICS.rawDbLogs()).pipeInput(null, utf8("# Time: 081114 13:04:02\n# User@Host: truncated"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON))
                .isNotBlank()
                .matches("[a-z0-9_]+");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.MESSAGE))
                .contains("rejected");
        assertThat(dbEvents()).isEmpty();
    }

    @Test
    void entryFromASkewedClockIsDeadLetteredAndTheNextOneStillNormalised() throws Exception {
        start(NormaliserSettings.of("mysql-slow", "auto"));
        // Two hours ahead of the wall clock: the broker would refuse the record (an hour by default), and under
        // exactly-once the whole transaction with it, on every restart.
        long skewed = NOW.plus(java.time.Duration.ofHours(2)).getEpochSecond();
        raw(TOPICS.rawDbLogs())
                .pipeInput(
                        utf8("app-01"),
                        utf8(SLOW_LOG_ENTRY.replace("SET timestamp=1772409759", "SET timestamp=" + skewed)));
        raw(TOPICS.rawDbLogs()).pipeInput(utf8("app-01"), utf8(SLOW_LOG_ENTRY));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON))
                .isEqualTo("event_time_ahead_of_the_wall_clock");
        assertThat(dbEvents())
                .extracting(r -> r.value().getEventTime())
                .containsExactly(Instant.ofEpochSecond(1772409759));
    }

    @Test
    void entryDatedBefore1970IsDeadLetteredNotForwardedWithANegativeTimestamp() throws Exception {
        start(NormaliserSettings.of("auto", "zeek-conn"));
        raw(TOPICS.rawEgressLogs())
                .pipeInput(
                        utf8("h"),
                        utf8(
                                "{\"ts\":-1,\"id.orig_h\":\"10.0.0.7\",\"id.resp_h\":\"203.0.113.5\",\"id.resp_p\":443,\"orig_bytes\":5}"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON))
                .isEqualTo("event_time_outside_2000_2100");
    }

    @Test
    void zeekJsonLineOnTheEgressTopicBecomesAnEgressEventKeyedBySourceIp() throws Exception {
        start(NormaliserSettings.detect());
        raw(TOPICS.rawEgressLogs())
                .pipeInput(
                        null,
                        utf8(
                                "{\"ts\":1772409759.5,\"id.orig_h\":\"10.10.1.10\",\"id.orig_p\":50000,"
                                        + "\"id.resp_h\":\"203.0.113.9\",\"id.resp_p\":443,\"proto\":\"tcp\",\"orig_bytes\":123456,\"resp_bytes\":10}"));
        List<TestRecord<String, EgressEvent>> out = driver.createOutputTopic(
                        TOPICS.egress(),
                        new StringDeserializer(),
                        AvroSerde.of(EgressEvent.class, client, false).deserializer())
                .readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo("10.10.1.10");
        assertThat(out.get(0).value().getBytesOut()).isEqualTo(123456);
        assertThat(out.get(0).getRecordTime()).isEqualTo(Instant.ofEpochMilli(1772409759500L));
    }

    /**
     * The record shapes the shipper configurations under deploy/shippers produce, as each shipper documents its
     * Kafka output: Filebeat's event (line in {@code message}), Vector's json codec ({@code message}), Fluent Bit's
     * json format over the tail input ({@code log}). Each wraps one whole slow-log entry (multi-line joined).
     */
    @Test
    void slowLogEntriesInsideFilebeatVectorAndFluentBitEnvelopesBecomeEvents() throws Exception {
        start(NormaliserSettings.detect());
        String entry = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .textNode(SLOW_LOG_ENTRY.strip())
                .toString();
        String filebeat =
                "{\"@timestamp\":\"2026-04-01T00:00:00.000Z\",\"@metadata\":{\"beat\":\"filebeat\",\"type\":\"_doc\","
                        + "\"version\":\"8.17.0\"},\"log\":{\"offset\":0,\"file\":{\"path\":\"/var/log/mysql/slow.log\"},"
                        + "\"flags\":[\"multiline\"]},\"message\":" + entry + ",\"input\":{\"type\":\"filestream\"},"
                        + "\"agent\":{\"type\":\"filebeat\",\"version\":\"8.17.0\"},\"host\":{\"name\":\"db-01\"}}";
        String vector = "{\"file\":\"/var/log/mysql/slow.log\",\"host\":\"db-01\",\"message\":" + entry
                + ",\"source_type\":\"file\",\"timestamp\":\"2026-04-01T00:00:00.123Z\"}";
        String fluentBit = "{\"@timestamp\":1775001600.0,\"log\":" + entry + "}";
        TestInputTopic<byte[], byte[]> in = raw(TOPICS.rawDbLogs());
        for (String record : List.of(filebeat, vector, fluentBit)) {
            in.pipeInput(utf8("db-01"), utf8(record), Instant.parse("2026-04-01T00:00:00Z"));
        }
        List<TestRecord<String, DbAccessEvent>> events = dbEvents();
        assertThat(events).hasSize(3).allSatisfy(e -> {
            assertThat(e.key()).isEqualTo("svc_shop_app");
            assertThat(e.value().getRowsReturned()).isEqualTo(15);
            assertThat(e.value().getEventTime()).isEqualTo(Instant.parse("2026-03-02T00:02:39Z"));
        });
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aZeekJsonLineInsideAFilebeatEnvelopeIsUnwrappedToo() throws Exception {
        start(NormaliserSettings.detect());
        String zeek =
                "{\"ts\":1772409759.5,\"id.orig_h\":\"10.10.1.10\",\"id.orig_p\":50000,\"id.resp_h\":\"203.0.113.9\","
                        + "\"id.resp_p\":443,\"proto\":\"tcp\",\"orig_bytes\":123456,\"resp_bytes\":10}";
        String filebeat = "{\"@timestamp\":\"2026-04-01T00:00:00.000Z\",\"message\":"
                + com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(zeek)
                + ",\"agent\":{\"type\":\"filebeat\"}}";
        raw(TOPICS.rawEgressLogs()).pipeInput(null, utf8(filebeat));
        List<TestRecord<String, EgressEvent>> out = driver.createOutputTopic(
                        TOPICS.egress(),
                        new StringDeserializer(),
                        AvroSerde.of(EgressEvent.class, client, false).deserializer())
                .readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).value().getBytesOut()).isEqualTo(123456);
    }
}
