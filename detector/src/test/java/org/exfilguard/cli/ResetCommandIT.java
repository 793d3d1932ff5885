package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.testkit.KafkaWorkload;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code reset} against a real broker after a real run: what it deletes, and what it leaves alone. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResetCommandIT {

    // Static: JUnit fills instance @TempDir fields only after @BeforeAll of a per-class instance has run.
    @TempDir
    static Path stateDir;

    private EmbeddedKafka kafka;
    private EmbeddedSchemaRegistry registry;
    private KafkaWorkload workload;

    @BeforeAll
    void start() throws Exception {
        kafka = EmbeddedKafka.builder().build().start();
        registry = EmbeddedSchemaRegistry.start();
        workload = new KafkaWorkload(
                kafka.bootstrapServers(), new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url())));
        workload.createTopics(2, "db-access", "exfil-alerts", "exfil-dlq");
        List<DbAccessEvent> events = new ArrayList<>();
        Instant t0 = Instant.parse("2026-03-02T10:00:00Z");
        for (int i = 0; i < 20; i++) {
            events.add(TestEvents.dbRead()
                    .account("u" + (i % 4))
                    .rows(10 + i)
                    .at(t0.plusSeconds(60L * i))
                    .build());
        }
        workload.produce("db-access", events);
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void resetWithYesDeletesGroupInternalTopicsAndLocalStateOfThatApplicationOnly() throws Exception {
        runToEnd("reset-me");
        runToEnd("keep-me");
        assertThat(topics()).anyMatch(t -> t.startsWith("reset-me-") && t.endsWith("-changelog"));
        assertThat(stateDir.resolve("reset-me")).exists();

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new CommandLine(new ResetCommand(stdin(""), new PrintStream(printed, true, StandardCharsets.UTF_8)))
                .execute(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--application-id",
                        "reset-me",
                        "--state-dir",
                        stateDir.toString(),
                        "--yes");

        assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(topics())
                .noneMatch(t -> t.startsWith("reset-me-"))
                .anyMatch(t -> t.startsWith("keep-me-") && t.endsWith("-changelog"))
                .contains("db-access", "exfil-alerts");
        assertThat(groups()).doesNotContain("reset-me").contains("keep-me");
        assertThat(stateDir.resolve("reset-me")).doesNotExist();
        assertThat(stateDir.resolve("keep-me")).exists();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("deleted consumer group reset-me", "Reset of 'reset-me' done.");
    }

    @Test
    void resetWithoutConfirmationDeletesNothing() throws Exception {
        runToEnd("unconfirmed");
        Set<String> before = topics();

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new CommandLine(
                        new ResetCommand(stdin("no\n"), new PrintStream(printed, true, StandardCharsets.UTF_8)))
                .execute(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--application-id",
                        "unconfirmed",
                        "--state-dir",
                        stateDir.toString());

        assertThat(exit).isEqualTo(ResetCommand.EXIT_NOT_RESET);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Type 'yes' to reset", "Not reset.");
        assertThat(topics()).isEqualTo(before);
        assertThat(groups()).contains("unconfirmed");
        assertThat(stateDir.resolve("unconfirmed")).exists();
    }

    @Test
    void afterResetTheNextRunReprocessesTheInputFromTheStart() throws Exception {
        runToEnd("again");
        int exit = new CommandLine(new ResetCommand(stdin("yes\n"), new PrintStream(new ByteArrayOutputStream())))
                .execute(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--application-id",
                        "again",
                        "--state-dir",
                        stateDir.toString());
        assertThat(exit).isZero();
        assertThat(groups()).doesNotContain("again");
        // With the group gone the detector starts from the earliest offsets and commits the whole input again.
        runToEnd("again");
        assertThat(workload.committed("again", "db-access")).isEqualTo(workload.endOffsets("db-access"));
    }

    private void runToEnd(String applicationId) throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ExfilguardConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        values.put(ExfilguardConfig.SCHEMA_REGISTRY_URL, registry.url());
        values.put(ExfilguardConfig.APPLICATION_ID, applicationId);
        values.put(ExfilguardConfig.STATE_DIR, stateDir.toString());
        values.put(ExfilguardConfig.METRICS_PORT, -1);
        values.put(ExfilguardConfig.TOPIC_ALERTS, "exfil-alerts");
        values.put("commit.interval.ms", 100);
        // Kafka Streams does not leave the group on close: the member lingers until its session times out.
        values.put("session.timeout.ms", 6000);
        try (DetectorRunner runner = new DetectorRunner(new ExfilguardConfig(values)).start()) {
            runner.awaitRunning(Duration.ofSeconds(60));
            long end = workload.endOffsets("db-access");
            workload.awaitCommitted(
                    applicationId, "db-access", end, Duration.ofSeconds(60), () -> runner.failure() == null);
        }
        awaitNoMembers(applicationId);
        assertThat(Files.exists(stateDir.resolve(applicationId))).isTrue();
    }

    private void awaitNoMembers(String group) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!kafka.admin()
                .describeConsumerGroups(List.of(group))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(group)
                .members()
                .isEmpty()) {
            assertThat(Instant.now()).as("members of " + group + " expire").isBefore(deadline);
            Thread.sleep(200);
        }
    }

    private Set<String> topics() throws Exception {
        return kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS);
    }

    private Set<String> groups() throws Exception {
        Admin admin = kafka.admin();
        return Set.copyOf(admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                .map(g -> g.groupId())
                .toList());
    }

    private static ByteArrayInputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
