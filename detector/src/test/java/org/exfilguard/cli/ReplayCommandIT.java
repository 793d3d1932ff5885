package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.embedded.Processing;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReplayCommandIT {

    static EmbeddedKafka kafka;
    static EmbeddedSchemaRegistry registry;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().build().start();
        registry = EmbeddedSchemaRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
        kafka.close();
    }

    /** {@code n} reads by two accounts, one a minute, starting {@code age} ago, as canonical JSON lines. */
    private Path dbLog(Duration age, int n) throws Exception {
        Path file = dir.resolve("db-access.jsonl");
        Instant first = Instant.now().minus(age).truncatedTo(ChronoUnit.SECONDS);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                w.write(JsonRecords.toJson(TestEvents.dbRead()
                                .account(i % 2 == 0 ? "alice" : "bob")
                                .rows(i)
                                .at(first.plus(Duration.ofMinutes(i)))
                                .build())
                        + "\n");
            }
        }
        return file;
    }

    private int replay(String topicSuffix, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--schema-registry-url",
                registry.url(),
                "--set",
                "topic.db.access=db-access-" + topicSuffix,
                "--set",
                "topic.egress=egress-" + topicSuffix));
        args.addAll(List.of(extra));
        return new CommandLine(new ReplayCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args.toArray(String[]::new));
    }

    private long records(String topic) throws Exception {
        return Processing.endOffsets(kafka.admin(), List.of(topic)).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    @Test
    void refusesWhenTheTopicsRetentionWouldDeleteTheReplayedRecords() throws Exception {
        kafka.createTopic(
                "db-access-7d",
                2,
                Map.of("retention.ms", Long.toString(Duration.ofDays(7).toMillis())));
        Path log = dbLog(Duration.ofDays(14), 20);

        int exit = replay("7d", log.toString());

        assertThat(exit).isEqualTo(ExitCodes.CONFIG);
        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(message)
                .contains("replay refused")
                .contains("'db-access-7d'")
                .contains("retention.ms=604800000")
                .contains("14 d")
                .contains("retention.ms=-1");
        assertThat(records("db-access-7d")).as("nothing was sent").isZero();
    }

    @Test
    void createsMissingTopicsThatKeepOldRecordsAndStampsEachWithItsEventTime() throws Exception {
        Path log = dbLog(Duration.ofDays(14), 30);

        int exit = replay("new", "--db-log", log.toString(), "--partitions", "3");

        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("created topic db-access-new")
                .contains("replayed 30 events");
        for (String topic : List.of("db-access-new", "egress-new")) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config =
                    kafka.admin().describeConfigs(List.of(r)).all().get().get(r);
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        }
        assertThat(kafka.admin()
                        .describeTopics(List.of("db-access-new"))
                        .allTopicNames()
                        .get()
                        .get("db-access-new")
                        .partitions())
                .hasSize(3);

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<ConsumerRecord<String, DbAccessEvent>> got = new ArrayList<>();
        try (KafkaConsumer<String, DbAccessEvent> consumer = new KafkaConsumer<>(
                props,
                new StringDeserializer(),
                AvroSerde.of(
                                DbAccessEvent.class,
                                new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url())),
                                false)
                        .deserializer())) {
            List<TopicPartition> parts = List.of(0, 1, 2).stream()
                    .map(p -> new TopicPartition("db-access-new", p))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Instant deadline = Instant.now().plusSeconds(30);
            while (got.size() < 30 && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertThat(got).hasSize(30);
        for (ConsumerRecord<String, DbAccessEvent> r : got) {
            assertThat(r.key()).isEqualTo(r.value().getAccount());
            assertThat(r.timestamp()).isEqualTo(r.value().getEventTime().toEpochMilli());
        }
        // Both accounts' records land in one partition each, in event-time order.
        assertThat(got.stream()
                        .filter(r -> r.key().equals("alice"))
                        .mapToLong(ConsumerRecord::timestamp)
                        .toArray())
                .isSorted();
    }

    @Test
    void maxRateHoldsTheReplayBack() throws Exception {
        Path log = dbLog(Duration.ofDays(1), 21);
        long start = System.nanoTime();

        int exit = replay("paced", log.toString(), "--max-rate", "40");

        assertThat(exit).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }
}
