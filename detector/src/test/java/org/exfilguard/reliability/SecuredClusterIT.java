package org.exfilguard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.exfilguard.Main;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.testkit.JavaProcess;
import org.exfilguard.testkit.KafkaWorkload;
import org.exfilguard.testkit.LogCapture;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector against a SASL_SSL (SCRAM-SHA-512 over TLS) broker, configured only with standard Kafka client
 * properties from a properties file or EXFILGUARD_* environment variables; then every log the test captured,
 * the help text and the metrics scrape are searched for the password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredClusterIT {

    private static final String USER = "exfilguard";
    private static final String PASSWORD = "pw-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    private static final String METRICS_TOKEN = "tok-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));

    // Static: JUnit fills instance @TempDir fields only after @BeforeAll of a per-class instance has run.
    @TempDir
    static Path work;

    private LogCapture testLogs;
    private EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry registry;
    private KafkaWorkload workload;
    private final List<JavaProcess> children = new ArrayList<>();

    @BeforeAll
    void startSecuredBroker() throws Exception {
        // Kafka at INFO: its config dumps at start-up are where a secret would show first.
        testLogs = new LogCapture("org.apache.kafka", "kafka", "org.exfilguard");
        kafka = EmbeddedKafka.builder().saslSsl(USER, PASSWORD).build().start();
        registry = EmbeddedSchemaRegistry.start();
        workload = new KafkaWorkload(
                kafka.bootstrapServers(), new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url())));
        workload.createTopics(2, "db-access", "exfil-dlq", "alerts-file", "alerts-env");
        // A new account pulling the member table in bulk: the cold-start threshold alerts on it.
        List<DbAccessEvent> events = new ArrayList<>();
        Instant t0 = Instant.parse("2026-03-02T10:00:00Z");
        for (int i = 0; i < 10; i++) {
            events.add(TestEvents.dbRead()
                    .account("mallory")
                    .rows(150_000)
                    .fingerprint("select * from coop.members")
                    .at(t0.plusSeconds(30L * i))
                    .build());
        }
        workload.produce("db-access", events);
    }

    @AfterAll
    void stop() {
        children.forEach(JavaProcess::close);
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (testLogs != null) {
            testLogs.close();
        }
    }

    @Test
    void detectorConnectsWithPropertiesFileAndNoLogHelpOrScrapeShowsThePassword() throws Exception {
        Map<String, Object> settings = securedSettings("file");
        Path config = writeProperties("detector-file.properties", settings);

        JavaProcess detector = detector("file", List.of("run", "--config", config.toString()), Map.of());
        ExfiltrationAlert alert = awaitAlert("alerts-file", detector);
        assertThat(alert.getAccount()).isEqualTo("mallory");
        assertThat(alert.getStatus()).isEqualTo(AlertStatus.OPENED);

        String scrape = scrapeMetrics((int) settings.get("metrics.port"));
        assertThat(scrape).contains("exfil_events").doesNotContain(PASSWORD);
        String help = runToEnd("help", List.of("run", "--config", config.toString(), "--help"), Map.of());
        assertThat(help).contains("--config").doesNotContain(PASSWORD);

        detector.stop(Duration.ofSeconds(30));
        assertNoPasswordIn(detector);
    }

    @Test
    void detectorTakesTheJaasSecretFromTheEnvironmentAndNeverPrintsIt() throws Exception {
        Map<String, Object> settings = securedSettings("env");
        String jaas = (String) settings.remove("sasl.jaas.config");
        Path config = writeProperties("detector-env.properties", settings);
        Map<String, String> env = Map.of("EXFILGUARD_SASL_JAAS_CONFIG", jaas);

        JavaProcess detector = detector("env", List.of("run", "--config", config.toString()), env);
        assertThat(awaitAlert("alerts-env", detector).getAccount()).isEqualTo("mallory");
        assertThat(Files.readString(config)).doesNotContain(PASSWORD);
        String help = runToEnd("help-env", List.of("run", "--help"), env);
        assertThat(help).contains("EXFILGUARD_SASL_JAAS_CONFIG").doesNotContain(PASSWORD);

        detector.stop(Duration.ofSeconds(30));
        assertNoPasswordIn(detector);
    }

    /** Only standard Kafka client keys reach the secured listener; the detector's own keys name topics and state. */
    private Map<String, Object> securedSettings(String name) throws Exception {
        Map<String, Object> settings =
                new LinkedHashMap<>(kafka.saslSslClientConfig().orElseThrow());
        settings.put("schema.registry.url", registry.url());
        settings.put("application.id", "secured-" + name);
        settings.put(
                "state.dir",
                Files.createDirectories(work.resolve("state-" + name)).toString());
        settings.put("topic.alerts", "alerts-" + name);
        settings.put("metrics.port", EmbeddedKafka.freePort());
        settings.put("metrics.token", METRICS_TOKEN);
        settings.put("commit.interval.ms", "1000");
        return settings;
    }

    private Path writeProperties(String fileName, Map<String, Object> settings) throws Exception {
        Properties properties = new Properties();
        settings.forEach((k, v) -> properties.setProperty(k, String.valueOf(v)));
        Path file = work.resolve(fileName);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "exfilguard against a SASL_SSL broker");
        }
        return file;
    }

    private JavaProcess detector(String name, List<String> args, Map<String, String> env) {
        // The detector's Kafka clients at INFO too: they print every client config they start with.
        JavaProcess process = JavaProcess.start(
                "detector-" + name,
                work.resolve("logs"),
                Main.class.getName(),
                args,
                env,
                List.of("-Dlogback.configurationFile=" + verboseLogback()));
        children.add(process);
        return process;
    }

    private String runToEnd(String name, List<String> args, Map<String, String> env) throws Exception {
        JavaProcess process = detector(name, args, env);
        assertThat(process.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        return process.output();
    }

    private ExfiltrationAlert awaitAlert(String topic, JavaProcess detector) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            List<ExfiltrationAlert> alerts = workload.readAlerts(topic, Duration.ofSeconds(30));
            if (!alerts.isEmpty()) {
                return alerts.get(0);
            }
            assertThat(detector.isAlive())
                    .as("detector still running; its output:\n" + detector.output())
                    .isTrue();
            Thread.sleep(500);
        }
        throw new AssertionError("no alert within 90 s; detector output:\n" + detector.output());
    }

    private String scrapeMetrics(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
        HttpResponse<String> refused =
                http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("scrape without the bearer token").isEqualTo(401);
        HttpResponse<String> scrape = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + METRICS_TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        return scrape.body();
    }

    private void assertNoPasswordIn(JavaProcess detector) {
        String childLogs = detector.output();
        // The grep must look at real logs: Kafka prints each client's configuration, secrets masked.
        assertThat(childLogs).contains("sasl.jaas.config = [hidden]").doesNotContain(PASSWORD);
        assertThat(testLogs.text()).contains("SASL_SSL").doesNotContain(PASSWORD);
    }

    private static Path verboseLogback() {
        Path file = work.resolve("logback-verbose.xml");
        if (!Files.exists(file)) {
            try {
                Files.writeString(file, """
                        <configuration>
                          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                            <encoder><pattern>%d %-5level [%thread] %logger - %msg%n%ex</pattern></encoder>
                          </appender>
                          <root level="INFO"><appender-ref ref="OUT"/></root>
                        </configuration>
                        """);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return file;
    }
}
