package org.exfilguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.exfilguard.cli.DetectorRunner;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.testkit.TestEvents;
import org.exfilguard.topology.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the detector for real (embedded KRaft broker and registry), feeds it an extraction, a read of a table
 * that is not sensitive and a record that is not Avro, scrapes {@code /metrics}, and checks that every metric
 * the Grafana dashboard and the alert rules query is exported, and that every detector meter has a panel.
 */
class DeployMetricsIT {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void dashboardAndRulesUseOnlyMetricsARunningDetectorExports(@TempDir Path stateDir) throws Exception {
        DeployChecks checks = new DeployChecks(DeployTree.ofRepository());
        Topics topics = Topics.defaults();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            // The events are weeks old: without retention.ms=-1 the broker deletes them on arrival.
            for (String topic : DeployChecks.detectorTopics()) {
                kafka.createTopic(topic, 1, Map.of("retention.ms", "-1"));
            }
            Map<String, Object> values = new LinkedHashMap<>();
            values.put(ExfilguardConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            values.put(ExfilguardConfig.SCHEMA_REGISTRY_URL, registry.url());
            values.put(ExfilguardConfig.APPLICATION_ID, "deploy-metrics-it");
            values.put(ExfilguardConfig.STATE_DIR, stateDir.toString());
            values.put(ExfilguardConfig.METRICS_PORT, 0);
            values.put("commit.interval.ms", 200);
            try (DetectorRunner detector = new DetectorRunner(new ExfilguardConfig(values)).start()) {
                detector.awaitRunning(Duration.ofSeconds(60));
                feed(kafka.bootstrapServers(), registry.url(), topics.dbAccess());
                DetectorMetrics metrics = detector.metrics();
                await(
                        () -> metrics.count(DetectorMetrics.DEAD_LETTERS) >= 1
                                && metrics.count(DetectorMetrics.ALERTS, "status", "OPENED") >= 1
                                && metrics.count(DetectorMetrics.EVENTS, "outcome", "not_sensitive") >= 1,
                        Duration.ofSeconds(60));

                Set<String> exported = scrapeNames(detector.metricsPort());
                Map<String, String> used = checks.metricNamesUsed();
                assertThat(DeployChecks.unknownMetrics(used, exported)).isEmpty();
                // The check itself bites on a real scrape.
                assertThat(DeployChecks.unknownMetrics(Map.of("exfil_alerts", "test"), exported))
                        .containsExactly("test: metric exfil_alerts is not exported by the detector");
                Set<String> ownMeters = new TreeSet<>(
                        exported.stream().filter(n -> n.startsWith("exfil_")).toList());
                assertThat(ownMeters)
                        .contains(
                                "exfil_events_total",
                                "exfil_dead_letters_total",
                                "exfil_alerts_total",
                                "exfil_event_time_lag_seconds",
                                "exfil_keys_tracked");
                assertThat(used.keySet())
                        .as("every detector meter has a panel or a rule")
                        .containsAll(ownMeters);
            }
        }
    }

    private static void feed(String bootstrap, String registryUrl, String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        var serializer = AvroSerde.of(
                        DbAccessEvent.class,
                        new RestSchemaRegistryClient(Map.of("schema.registry.url", registryUrl)),
                        false)
                .serializer();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            DbAccessEvent dump = TestEvents.dbRead()
                    .account("mallory")
                    .rows(2_000_000)
                    .at(T0)
                    .build();
            DbAccessEvent other = TestEvents.dbRead()
                    .account("alice")
                    .table("coop.products")
                    .rows(50)
                    .at(T0)
                    .build();
            for (DbAccessEvent event : new DbAccessEvent[] {other, dump}) {
                producer.send(new ProducerRecord<>(
                        topic,
                        null,
                        event.getEventTime().toEpochMilli(),
                        event.getAccount().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topic, event)));
            }
            producer.send(new ProducerRecord<>(
                    topic,
                    "bad".getBytes(StandardCharsets.UTF_8),
                    "not an avro record".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
    }

    private static Set<String> scrapeNames(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now())
                    .as("waited %s for the detector's counters", timeout)
                    .isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
