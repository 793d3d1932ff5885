package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * exfilguard-runtime.jar, the jar production images run, holds no broker and no Scala, and still does all of run's
 * work: setup, then run with schemas it may not register, a bulk read in and its alert out.
 */
class RuntimeJarIT {

    private static final Path JAR = Path.of("target", "exfilguard-runtime.jar");

    @Test
    void leavesTheBrokerScalaAndJmhOut() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            assertThat(names)
                    .contains(
                            "org/exfilguard/Main.class",
                            "org/apache/kafka/streams/KafkaStreams.class",
                            "org/rocksdb/RocksDB.class",
                            "librocksdbjni-linux64.so",
                            "librocksdbjni-linux-aarch64.so");
            assertThat(names)
                    .noneMatch(n -> n.startsWith("kafka/server/")
                            || n.startsWith("scala/")
                            || n.startsWith("org/apache/kafka/raft/")
                            || n.startsWith("org/openjdk/jmh/")
                            || n.startsWith("org/apache/commons/math3/")
                            || n.startsWith("joptsimple/"));
        }
        assertThat(Files.size(JAR)).isLessThan(Files.size(Path.of("target", "exfilguard.jar")) / 2);
    }

    @Test
    void refusesTheCommandsThatStartABrokerWithOneLine(@TempDir Path dir) throws Exception {
        Result demo = java(dir, "demo");
        assertThat(demo.exit).isEqualTo(1);
        assertThat(demo.err.strip())
                .isEqualTo("exfilguard: demo starts an embedded Kafka broker, which this jar"
                        + " (exfilguard-runtime.jar, for run) leaves out; use exfilguard.jar");
    }

    @Test
    void setsUpAndRunsTheDetectorAgainstARealCluster(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                        .brokerProperty("auto.create.topics.enable", "false")
                        .build()
                        .start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Result setup = java(
                    dir,
                    "setup",
                    "--bootstrap-server",
                    kafka.bootstrapServers(),
                    "--schema-registry-url",
                    registry.url(),
                    "--partitions",
                    "2");
            assertThat(setup.exit).as(setup.err).isZero();

            int port = freePort();
            Process run = new ProcessBuilder(
                            javaBin(),
                            "-Xmx512m",
                            "-jar",
                            JAR.toString(),
                            "run",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--schema-registry-url",
                            registry.url(),
                            "--state-dir",
                            dir.resolve("state").toString(),
                            "--set",
                            "metrics.port=" + port,
                            "--set",
                            "auto.register.schemas=false",
                            "--set",
                            "commit.interval.ms=200")
                    .redirectOutput(dir.resolve("run.out").toFile())
                    .redirectError(dir.resolve("run.err").toFile())
                    .start();
            try {
                awaitHealthy(port, run, dir);
                var client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
                var serializer =
                        AvroSerde.of(DbAccessEvent.class, client, false, false).serializer();
                DbAccessEvent dump = TestEvents.dbRead()
                        .account("mallory")
                        .rows(900_000)
                        .at(Instant.now().minusSeconds(60))
                        .build();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>("db-access", "mallory", serializer.serialize("db-access", dump)))
                            .get();
                }
                assertThat(readEcs(kafka.bootstrapServers(), Duration.ofSeconds(60)))
                        .anySatisfy(doc ->
                                assertThat(doc).contains("\"name\":\"mallory\"").contains("\"kind\":\"alert\""));
            } finally {
                run.destroy();
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    private static List<String> readEcs(String bootstrap, Duration timeout) {
        List<String> docs = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "runtime-jar-it",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("exfil-alerts-ecs"));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (docs.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> docs.add(r.value()));
            }
        }
        return docs;
    }

    private static void awaitHealthy(int port, Process run, Path dir) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!run.isAlive()) {
                throw new AssertionError(
                        "run exited with " + run.exitValue() + ": " + Files.readString(dir.resolve("run.err")));
            }
            try {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // The endpoint is not up yet.
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run never became healthy: " + Files.readString(dir.resolve("run.err")));
    }

    private record Result(int exit, String out, String err) {}

    private static Result java(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
