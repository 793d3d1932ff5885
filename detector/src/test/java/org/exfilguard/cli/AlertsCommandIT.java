package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The alerts command against a real broker and registry: committed alerts only, three output formats. */
class AlertsCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "exfil-alerts";

    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static final ExfiltrationAlert FIRST =
            TestAlerts.alert().ids("inc-first", "alr-first").account("jdoe").build();
    private static final ExfiltrationAlert SECOND = TestAlerts.alert()
            .ids("inc-second", "alr-second")
            .account("mroe")
            .status(AlertStatus.UPDATED)
            .withEgress()
            .build();
    private static final ExfiltrationAlert ABORTED = TestAlerts.alert()
            .ids("inc-aborted", "alr-aborted")
            .account("ghost")
            .build();

    @BeforeAll
    static void produceAlerts() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        registry = EmbeddedSchemaRegistry.start();
        kafka.createTopic(TOPIC, 2, Map.of("retention.ms", "-1"));
        var client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
        var serializer = AvroSerde.of(ExfiltrationAlert.class, client, false).serializer();
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "alerts-it");
        // As the detector writes: in transactions. The aborted one must never be printed.
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(serializer.serialize(TOPIC, FIRST), FIRST, 0));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(record(serializer.serialize(TOPIC, ABORTED), ABORTED, 1));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(record("not avro".getBytes(), SECOND, 1));
            producer.send(record(serializer.serialize(TOPIC, SECOND), SECOND, 1));
            producer.commitTransaction();
        }
    }

    private static ProducerRecord<String, byte[]> record(byte[] value, ExfiltrationAlert alert, int partition) {
        return new ProducerRecord<>(TOPIC, partition, alert.getAccount(), value);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /**
     * What the README's SIEM section tells every downstream consumer: the detector writes in transactions, and a
     * consumer left at Kafka's default {@code read_uncommitted} (Kafka Connect, Logstash and Filebeat inputs) shows
     * alerts of aborted transactions, which a restart then publishes again.
     */
    @Test
    void aSiemConsumerMustReadCommittedOrItShowsAbortedAlerts() {
        assertThat(accountsReadWith("read_uncommitted")).contains("jdoe", "mroe", "ghost");
        assertThat(accountsReadWith("read_committed")).contains("jdoe", "mroe").doesNotContain("ghost");
    }

    private static List<String> accountsReadWith(String isolation) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "siem-" + isolation,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolation);
        List<String> accounts = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            // Read to the end: 4 data records were written (one aborted); read_committed sees 3.
            int expected = isolation.equals("read_committed") ? 3 : 4;
            while (accounts.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> accounts.add(r.key()));
            }
            // Anything else already fetched would show now.
            consumer.poll(java.time.Duration.ofMillis(500)).forEach(r -> accounts.add(r.key()));
        }
        return accounts;
    }

    @Test
    void printsEveryCommittedAlertAsTextAndExits() {
        Result result = run();
        assertThat(result.exit).isZero();
        assertThat(result.out)
                .contains("jdoe on coop.members", "incident inc-first", "mroe on coop.members", "incident inc-second");
        assertThat(result.out).doesNotContain("ghost");
        assertThat(result.err).contains("skipped " + TOPIC + "-1@").contains("not a readable alert");
    }

    @Test
    void jsonPrintsOneParseableSnakeCaseLinePerAlert() throws Exception {
        Result result = run("--json");
        assertThat(result.exit).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.out.split("\\R")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines)
                .extracting(n -> n.get("incident_id").asText())
                .containsExactlyInAnyOrder("inc-first", "inc-second");
        assertThat(lines)
                .allSatisfy(n -> assertThat(n.has("observed_rows") && n.has("baseline_rows") && n.has("alert_id"))
                        .isTrue());
        JsonNode second = lines.stream()
                .filter(n -> n.get("account").asText().equals("mroe"))
                .findFirst()
                .orElseThrow();
        assertThat(second.at("/egress/bytes_out").asLong())
                .isEqualTo(SECOND.getEgress().getBytesOut());
    }

    @Test
    void ocsfPrintsOneDetectionFindingPerAlert() throws Exception {
        Result result = run("--ocsf");
        assertThat(result.exit).isZero();
        List<JsonNode> findings = new ArrayList<>();
        for (String line : result.out.split("\\R")) {
            if (!line.isBlank()) {
                findings.add(JSON.readTree(line));
            }
        }
        assertThat(findings)
                .hasSize(2)
                .allSatisfy(f -> assertThat(f.get("class_uid").asInt()).isEqualTo(2004));
        assertThat(findings).extracting(f -> f.get("type_uid").asLong()).containsExactlyInAnyOrder(200401L, 200402L);
    }

    @Test
    void ecsPrintsOneDocumentPerAlert() throws Exception {
        Result result = run("--ecs");
        assertThat(result.exit).isZero();
        List<String> ids = new ArrayList<>();
        for (String line : result.out.split("\\R")) {
            if (!line.isBlank()) {
                ids.add(JSON.readTree(line).at("/event/id").asText());
            }
        }
        assertThat(ids).containsExactlyInAnyOrder("alr-first", "alr-second");
    }

    @Test
    void readsTopicAndClientSettingsFromConfigFile(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("client.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "bootstrap.servers=" + kafka.bootstrapServers(),
                        "schema.registry.url=" + registry.url(),
                        "topic.alerts=" + TOPIC,
                        "client.id=alerts-from-file"));
        Result result = execute("--config", config.toString(), "--json");
        assertThat(result.exit).isZero();
        assertThat(result.out).contains("\"incident_id\":\"inc-first\"", "\"incident_id\":\"inc-second\"");
    }

    @Test
    void missingTopicIsAnErrorNotAHang() {
        Result result = run("--topic", "no-such-topic");
        assertThat(result.exit).isEqualTo(1);
        assertThat(result.err).contains("no-such-topic does not exist");
    }

    private Result run(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--schema-registry-url",
                registry.url(),
                "--timeout",
                "30"));
        args.addAll(List.of(extra));
        return execute(args.toArray(String[]::new));
    }

    private static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new AlertsCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private record Result(int exit, String out, String err) {}
}
