package org.exfilguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/ against the detector: every manifest, compose file, env file and dashboard parses, names only
 * configuration keys, topics and subcommands the detector has, and wires the image, volumes, probes and
 * monitoring consistently. The metric names are checked against a running detector in {@link DeployMetricsIT}.
 */
class DeployManifestsTest {

    private final DeployTree tree = DeployTree.ofRepository();
    private final DeployChecks checks = new DeployChecks(tree);

    @Test
    void everyYamlAndJsonFileParses() {
        List<Path> yaml = tree.filesEndingWith(".yaml", ".yml");
        assertThat(yaml).hasSizeGreaterThan(10);
        yaml.forEach(file -> assertThat(DeployTree.yamlDocuments(file))
                .as(tree.relative(file))
                .isNotEmpty());
        // JSON is Grafana dashboards and Kafka Connect sink configurations (checked in DeploySiemTest).
        tree.filesEndingWith(".json").stream()
                .filter(file -> tree.relative(file).contains("grafana"))
                .forEach(file -> assertThat(DeployTree.json(file).path("panels").size())
                        .as(tree.relative(file))
                        .isGreaterThan(5));
        tree.filesEndingWith(".json")
                .forEach(file -> assertThat(DeployTree.json(file).isObject())
                        .as(tree.relative(file))
                        .isTrue());
    }

    @Test
    void manifestsUseOnlyConfigurationKeysAndValuesTheDetectorAccepts() {
        assertThat(checks.bundles()).containsKeys("kubernetes/base", "kubernetes/overlays/large", "systemd", "compose");
        assertThat(checks.configurationProblems()).isEmpty();
    }

    @Test
    void manifestsDeclareExactlyTheTopicsTheDetectorUses() {
        assertThat(checks.topicProblems()).isEmpty();
    }

    @Test
    void containersRunSubcommandsTheDetectorHas() {
        assertThat(checks.commandProblems()).isEmpty();
    }

    @Test
    void dockerfileIsPinnedNonRootWithAStateVolumeAndRunsTheJar() {
        assertThat(checks.dockerfileProblems()).isEmpty();
    }

    @Test
    void kubernetesWiringIsConsistent() {
        assertThat(checks.kubernetesProblems()).isEmpty();
    }

    @Test
    void dashboardAndRulesQueryTheDetectorsMeters() {
        Map<String, String> used = checks.metricNamesUsed();
        assertThat(used.keySet())
                .contains(
                        "exfil_events_total",
                        "exfil_dead_letters_total",
                        "exfil_alerts_total",
                        "exfil_event_time_lag_seconds",
                        "exfil_keys_tracked",
                        "kafka_stream_thread_commit_latency_avg",
                        "kafka_consumer_fetch_manager_records_consumed_total");
        assertThat(used.keySet()).allMatch(n -> n.startsWith("exfil_") || n.startsWith("kafka_") || n.equals("up"));
    }

    // ---- the checks fail when a manifest is wrong: the same checks on a copy of deploy/ with one mistake

    @Test
    void reportsAnUnknownKeyInAPropertiesFile(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(
                dir, "kubernetes/base/exfilguard.properties", "num.standby.replicas=1", "num.standby.replica=1");
        assertThat(broken.configurationProblems())
                .anyMatch(
                        p -> p.contains("num.standby.replica ") && p.contains("kubernetes/base/exfilguard.properties"));
    }

    @Test
    void reportsAnUnknownEnvironmentVariable(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(
                dir, "compose/docker-compose.yml", "EXFILGUARD_COMMIT_INTERVAL_MS", "EXFILGUARD_COMMIT_INTERVAL");
        assertThat(broken.configurationProblems())
                .anyMatch(p -> p.contains("EXFILGUARD_COMMIT_INTERVAL (commit.interval)"));
    }

    @Test
    void reportsAValueTheDetectorRejects(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(
                dir,
                "systemd/exfilguard.env",
                "PROCESSING_GUARANTEE=exactly_once_v2",
                "PROCESSING_GUARANTEE=exactly_once");
        assertThat(broken.configurationProblems())
                .anyMatch(p -> p.startsWith("systemd: the detector rejects") && p.contains("processing.guarantee"));
    }

    @Test
    void reportsATopicTheDetectorDoesNotUse(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(
                dir, "kubernetes/base/kafkatopics.yaml", "topicName: exfil-dlq", "topicName: exfil-dead-letters");
        assertThat(broken.topicProblems())
                .anyMatch(p -> p.contains("exfil-dead-letters is not a topic"))
                .anyMatch(p -> p.contains("no KafkaTopic for exfil-dlq"));
    }

    @Test
    void reportsAnOverlayThatBreaksCoPartitioning(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(
                dir, "kubernetes/overlays/large/kustomization.yaml", "egress|exfil-read-signals|", "egress|");
        assertThat(broken.topicProblems())
                .anyMatch(p -> p.contains("must change exfil-read-signals and egress together"));
    }

    @Test
    void reportsASubcommandTheDetectorLacks(@TempDir Path dir) throws IOException {
        DeployChecks broken =
                brokenCopy(dir, "kubernetes/base/statefulset.yaml", "args: [\"run\",", "args: [\"serve\",");
        assertThat(broken.commandProblems()).anyMatch(p -> p.contains("[serve, --config"));
    }

    @Test
    void reportsAnOptionTheSubcommandLacks(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(
                dir,
                "compose/docker-compose.yml",
                "[\"replay\", \"--bootstrap-servers\"",
                "[\"replay\", \"--brokers\"");
        assertThat(broken.commandProblems()).anyMatch(p -> p.contains("Unknown option: '--brokers'"));
    }

    @Test
    void reportsAReplayOfFilesTheSimulationDidNotWrite(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(
                dir,
                "compose/docker-compose.yml",
                "\"/var/lib/exfilguard/simulation\"]",
                "\"/var/lib/exfilguard/sim\"]");
        assertThat(broken.topicProblems())
                .anyMatch(p -> p.contains("--db-log /var/lib/exfilguard/simulation/db-access.jsonl is not in"));
    }

    @Test
    void reportsARootImage(@TempDir Path dir) throws IOException {
        DeployChecks broken = brokenCopy(dir, "docker/Dockerfile", "USER 10001:0", "USER root");
        assertThat(broken.dockerfileProblems()).anyMatch(p -> p.contains("non-root USER"));
    }

    @Test
    void reportsAMisspeltMetric(@TempDir Path dir) throws IOException {
        Map<String, String> exported = checks.metricNamesUsed();
        DeployChecks broken = brokenCopy(
                dir, "grafana/exfilguard-dashboard.json", "exfil_keys_tracked{", "exfil_keys_tracked_total{");
        assertThat(DeployChecks.unknownMetrics(checks.metricNamesUsed(), exported.keySet()))
                .isEmpty();
        assertThat(DeployChecks.unknownMetrics(broken.metricNamesUsed(), exported.keySet()))
                .containsExactly(
                        "grafana/exfilguard-dashboard.json: metric exfil_keys_tracked_total is not exported by the detector");
    }

    @Test
    void readsMetricNamesOutOfPromQl() {
        assertThat(
                        PromQl.metricNames(
                                "sum by (source, outcome) (rate(exfil_events_total{instance=~\"$instance\"}[$__rate_interval]))"))
                .containsExactly("exfil_events_total");
        assertThat(PromQl.metricNames(
                        "sum(rate(a_total[10m])) / clamp_min(sum(rate(b_total[10m])), 1) > 0.01 and on (job) up == 0"))
                .containsExactly("a_total", "b_total", "up");
        assertThat(PromQl.metricNames("label_values(exfil_keys_tracked, instance)"))
                .containsExactly("exfil_keys_tracked");
        assertThat(PromQl.metricNames("max(x{client_id=~\".*StreamThread.*-consumer\"}) > 1e5"))
                .containsExactly("x");
    }

    /** A copy of deploy/ (and the detector's pom, which the image checks read) with one text replaced. */
    private DeployChecks brokenCopy(Path dir, String file, String from, String to) throws IOException {
        Path copy = dir.resolve("deploy");
        try (Stream<Path> walk = Files.walk(tree.root())) {
            for (Path source : walk.toList()) {
                Path target = copy.resolve(tree.root().relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Files.createDirectories(dir.resolve("detector"));
        Files.copy(tree.repositoryRoot().resolve("detector/pom.xml"), dir.resolve("detector/pom.xml"));
        Path target = copy.resolve(file);
        String text = Files.readString(target);
        assertThat(text).as("the mistake's anchor in " + file).contains(from);
        Files.writeString(target, text.replace(from, to));
        return new DeployChecks(new DeployTree(copy));
    }
}
