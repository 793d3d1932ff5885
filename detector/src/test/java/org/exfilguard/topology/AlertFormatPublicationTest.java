package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.Topology;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.testkit.TestAlerts;
import org.exfilguard.testkit.TestWiring;
import org.junit.jupiter.api.Test;

/** Which alert formats are published, and where, is configuration read through the topic registry. */
class AlertFormatPublicationTest {

    private static Topology topology(ExfilguardConfig config) {
        return DetectorTopology.build(TestWiring.of(config)
                .normaliser(Optional.empty())
                .profileCacheBytes(0)
                .build());
    }

    @Test
    void publishesOcsfAndEcsByDefaultEachToItsTopic() {
        ExfilguardConfig config = new ExfilguardConfig(Map.of(ExfilguardConfig.TOPIC_ALERTS_ECS, "siem-ecs"));

        assertThat(config.topics().alertRenderings())
                .containsExactly(Map.entry("ocsf", "exfil-alerts-json"), Map.entry("ecs", "siem-ecs"));
        String described = topology(config).describe().toString();
        assertThat(described)
                .contains(
                        "Sink: alerts-ocsf-sink (topic: exfil-alerts-json)", "Sink: alerts-ecs-sink (topic: siem-ecs)");
    }

    @Test
    void aFormatLeftOutOfTheListIsNotPublished() {
        ExfilguardConfig config = new ExfilguardConfig(Map.of(ExfilguardConfig.ALERTS_JSON_FORMATS, "ecs"));

        assertThat(config.topics().alertRenderings()).containsOnlyKeys("ecs");
        assertThat(config.topics().outputs()).containsExactly("exfil-alerts", "exfil-alerts-ecs", "exfil-dlq");
        String described = topology(config).describe().toString();
        assertThat(described).contains("alerts-ecs-sink").doesNotContain("alerts-ocsf-sink", "exfil-alerts-json");
        assertThatThrownBy(() -> config.topics().rendering(AlertFormat.OCSF))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyFormatsWithATopicCanBePublished() {
        assertThatThrownBy(() -> new ExfilguardConfig(Map.of(ExfilguardConfig.ALERTS_JSON_FORMATS, "ocsf,text")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("text");
    }

    @Test
    void everyFormatHasAUniqueIdAndPublishableOnesTheirOwnTopicKey() {
        assertThat(AlertFormat.ALL)
                .extracting(AlertFormat::id)
                .doesNotHaveDuplicates()
                .containsExactly("text", "json", "ocsf", "ecs");
        assertThat(AlertFormat.publishable())
                .extracting(f -> f.topic().orElseThrow().key())
                .doesNotHaveDuplicates()
                .allSatisfy(
                        key -> assertThat(ExfilguardConfig.DEFINITION.names()).contains(key));
        assertThat(AlertFormat.of("ecs")).contains(AlertFormat.ECS);
        assertThat(AlertFormat.of("xml")).isEmpty();
    }

    @Test
    void theCliAndTheTopologyRenderThroughTheSameFormats() {
        ExfiltrationAlert alert = TestAlerts.alert().build();
        assertThat(AlertFormat.ECS.render(alert)).isEqualTo(org.exfilguard.incident.EcsAlert.render(alert));
        assertThat(AlertFormat.OCSF.render(alert)).isEqualTo(org.exfilguard.incident.OcsfFinding.render(alert));
        assertThat(AlertFormat.TEXT.render(alert)).startsWith("[").endsWith("\n");
        assertThat(AlertFormat.JSON.render(alert)).startsWith("{").contains("\"alert_id\"");
        assertThat(AlertFormat.ALL)
                .filteredOn(AlertFormat::json)
                .extracting(AlertFormat::id)
                .containsExactly("json", "ocsf", "ecs");
    }
}
