package org.exfilguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.topology.Topics;
import org.junit.jupiter.api.Test;

/**
 * The SIEM examples under deploy/siem read an alert topic the detector writes, and read it committed: the detector
 * writes in transactions, and Kafka Connect's and Logstash's default (read_uncommitted) would deliver the alerts
 * of aborted transactions (AlertsCommandIT shows the difference on a real broker).
 */
class DeploySiemTest {

    private final DeployTree deploy = DeployTree.ofRepository();
    private final List<String> alertTopics = List.of(
            Topics.defaults().alerts(),
            Topics.defaults().rendering(AlertFormat.OCSF),
            Topics.defaults().rendering(AlertFormat.ECS));

    @Test
    void everyKafkaConnectSinkReadsCommittedAlertsAndKeepsItsSecretsOutOfTheFile() throws Exception {
        List<Path> sinks = deploy.filesEndingWith(".json").stream()
                .filter(p -> p.toString().contains("kafka-connect"))
                .toList();
        assertThat(sinks).hasSizeGreaterThanOrEqualTo(2);
        for (Path sink : sinks) {
            JsonNode config = DeployTree.JSON.readTree(DeployTree.text(sink)).get("config");
            assertThat(config.path("consumer.override.isolation.level").asText())
                    .as(deploy.relative(sink))
                    .isEqualTo("read_committed");
            assertThat(alertTopics)
                    .as(deploy.relative(sink))
                    .contains(config.path("topics").asText());
            config.properties().forEach(e -> {
                if (e.getKey().endsWith("token") || e.getKey().endsWith("password")) {
                    assertThat(e.getValue().asText())
                            .as(deploy.relative(sink) + " " + e.getKey())
                            .startsWith("${file:");
                }
            });
        }
    }

    @Test
    void everyLogstashPipelineReadsCommittedAlerts() {
        List<Path> pipelines = deploy.filesEndingWith(".conf").stream()
                .filter(p -> p.toString().contains("logstash"))
                .toList();
        assertThat(pipelines).hasSizeGreaterThanOrEqualTo(2);
        Pattern topics = Pattern.compile("topics\\s*=>\\s*\\[\"([^\"]+)\"\\]");
        for (Path pipeline : pipelines) {
            String text = DeployTree.text(pipeline);
            assertThat(text)
                    .as(deploy.relative(pipeline))
                    .containsPattern("isolation_level\\s*=>\\s*\"read_committed\"");
            Matcher m = topics.matcher(text);
            assertThat(m.find()).as(deploy.relative(pipeline)).isTrue();
            assertThat(alertTopics).as(deploy.relative(pipeline)).contains(m.group(1));
        }
    }

    /**
     * The shipper configurations feed the raw topics the normaliser reads, and join a slow-log entry's lines at
     * "# Time:" (NormaliserTopologyTest feeds each shipper's output shape through the normaliser).
     */
    @Test
    void everyShipperFeedsBothRawTopicsAndJoinsSlowLogEntries() {
        List<Path> shippers = deploy.files().stream()
                .filter(p -> deploy.relative(p).startsWith("shippers/")
                        && !p.getFileName().toString().startsWith("parsers"))
                .toList();
        assertThat(shippers)
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("filebeat.yml", "vector.yaml", "fluent-bit.conf");
        for (Path shipper : shippers) {
            String text = DeployTree.text(shipper);
            assertThat(text)
                    .as(deploy.relative(shipper))
                    .contains(Topics.defaults().rawDbLogs(), Topics.defaults().rawEgressLogs());
        }
        assertThat(DeployTree.text(deploy.resolve("shippers/filebeat.yml"))).contains("pattern: '^# Time:'");
        assertThat(DeployTree.text(deploy.resolve("shippers/vector.yaml"))).contains("start_pattern: '^# Time:'");
        assertThat(DeployTree.text(deploy.resolve("shippers/parsers-exfilguard.conf")))
                .contains("/^# Time:/");
    }
}
