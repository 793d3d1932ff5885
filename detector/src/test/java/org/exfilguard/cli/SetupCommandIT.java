package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.exfilguard.config.ConfigLoader;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code setup} against a real broker that creates no topic on its own: it creates every topic {@code run} uses,
 * registers the subjects a detector with {@code auto.register.schemas=false} needs, and a second run changes nothing.
 */
class SetupCommandIT {

    @Test
    void createsEveryTopicRunUsesAndRegistersItsSubjectsIdempotently(@TempDir Path stateDir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                        .brokerProperty("auto.create.topics.enable", "false")
                        .build()
                        .start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            String[] args = {
                "--bootstrap-server",
                kafka.bootstrapServers(),
                "--schema-registry-url",
                registry.url(),
                "--partitions",
                "3",
                "--alert-retention-days",
                "30"
            };
            Result first = setup(args);
            assertThat(first.exit).as(first.err).isZero();
            Set<String> topics = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
            assertThat(topics)
                    .containsExactlyInAnyOrder(
                            "db-access",
                            "egress",
                            "raw-db-logs",
                            "raw-egress-logs",
                            "exfil-alerts",
                            "exfil-alerts-json",
                            "exfil-alerts-ecs",
                            "exfil-dlq",
                            "exfil-read-signals",
                            "exfil-egress-updates",
                            "exfil-table-reads",
                            "exfil-peer-days");
            assertThat(admin.describeTopics(topics)
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .values())
                    .allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
            ConfigResource alerts = new ConfigResource(ConfigResource.Type.TOPIC, "exfil-alerts");
            assertThat(admin.describeConfigs(Set.of(alerts))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get(alerts)
                            .get("retention.ms")
                            .value())
                    .isEqualTo(Long.toString(Duration.ofDays(30).toMillis()));
            var client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
            assertThat(client.getAllSubjects())
                    .containsExactlyInAnyOrder("db-access-value", "egress-value", "exfil-alerts-value");
            assertThat(client.getLatest("exfil-alerts-value").schema()).isEqualTo(ExfiltrationAlert.getClassSchema());
            assertThat(first.out)
                    .contains("topic created exfil-alerts-ecs")
                    .contains("allow User:exfilguard Write,Describe on transactional-id exfilguard (prefixed)");

            Result second = setup(args);
            assertThat(second.exit).isZero();
            assertThat(second.out).doesNotContain("topic created").containsPattern("topic exists +db-access ");
            assertThat(client.getVersions("exfil-alerts-value")).hasSize(1);

            // run, with schemas it may not register, creates nothing but Kafka Streams' own changelogs.
            Map<String, Object> flags = new LinkedHashMap<>();
            flags.put(ExfilguardConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            flags.put(ExfilguardConfig.SCHEMA_REGISTRY_URL, registry.url());
            flags.put(ExfilguardConfig.STATE_DIR, stateDir.toString());
            flags.put(ExfilguardConfig.AUTO_REGISTER_SCHEMAS, "false");
            flags.put(ExfilguardConfig.METRICS_PORT, "-1");
            Map<String, String> strings = new LinkedHashMap<>();
            flags.forEach((k, v) -> strings.put(k, v.toString()));
            try (DetectorRunner runner = new DetectorRunner(ConfigLoader.load(null, Map.of(), strings)).start()) {
                runner.awaitRunning(Duration.ofSeconds(60));
                Set<String> after = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
                after.removeAll(topics);
                assertThat(after).allSatisfy(t -> assertThat(t).startsWith("exfilguard-"));
            }
        }
    }

    @Test
    void dryRunPrintsTheCommandsAndChangesNothing() {
        Result result = setup(
                "--bootstrap-server",
                "broker1:9093",
                "--schema-registry-url",
                "https://registry:8081",
                "--partitions",
                "12",
                "--replication-factor",
                "3",
                "--principal",
                "User:svc-exfil",
                "--dry-run");
        assertThat(result.exit).isZero();
        assertThat(result.out)
                .contains(
                        "kafka-topics.sh --bootstrap-server broker1:9093 --create --if-not-exists --topic db-access --partitions 12 --replication-factor 3\n")
                .contains(
                        "--topic exfil-read-signals --partitions 12 --replication-factor 3 --config retention.bytes=1073741824 --config retention.ms=-1")
                .contains(
                        "--topic exfil-peer-days --partitions 12 --replication-factor 3 --config retention.bytes=1073741824 --config retention.ms=-1")
                .contains(
                        "curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' https://registry:8081/subjects/exfil-alerts-value/versions --data '{\"schema\":")
                .contains(
                        "kafka-acls.sh --bootstrap-server broker1:9093 --add --allow-principal User:svc-exfil --operation Write --operation Describe --transactional-id exfilguard --resource-pattern-type prefixed")
                .contains("--operation All --topic exfilguard- --resource-pattern-type prefixed")
                .contains("--operation Read --operation Describe --group exfilguard\n");
    }

    private record Result(int exit, String out, String err) {}

    private static Result setup(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new SetupCommand()).execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
