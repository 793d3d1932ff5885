package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EcsAlertTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The ECS fields the rendering may use, with their ECS types, as Elastic's field definitions
     * ({@code generated/ecs/ecs_flat.yml}, 8.11 and later) give them. Anything else must be under {@code exfilguard.}.
     */
    private static final Map<String, String> ECS_FIELDS = Map.ofEntries(
            Map.entry("@timestamp", "date"),
            Map.entry("ecs.version", "keyword"),
            Map.entry("message", "text"),
            Map.entry("event.kind", "keyword"),
            Map.entry("event.category", "keyword"),
            Map.entry("event.type", "keyword"),
            Map.entry("event.action", "keyword"),
            Map.entry("event.id", "keyword"),
            Map.entry("event.severity", "long"),
            Map.entry("event.risk_score", "float"),
            Map.entry("event.reason", "keyword"),
            Map.entry("event.start", "date"),
            Map.entry("event.end", "date"),
            Map.entry("event.dataset", "keyword"),
            Map.entry("event.provider", "keyword"),
            Map.entry("user.name", "keyword"),
            Map.entry("source.ip", "ip"),
            Map.entry("source.bytes", "long"),
            Map.entry("destination.ip", "ip"),
            Map.entry("destination.port", "long"),
            Map.entry("destination.domain", "keyword"),
            Map.entry("network.direction", "keyword"),
            Map.entry("related.user", "keyword"),
            Map.entry("related.ip", "ip"),
            Map.entry("related.hosts", "keyword"),
            Map.entry("rule.name", "keyword"),
            Map.entry("rule.ruleset", "keyword"),
            Map.entry("threat.framework", "keyword"),
            Map.entry("threat.technique.id", "keyword"),
            Map.entry("threat.technique.name", "keyword"),
            Map.entry("threat.technique.reference", "keyword"),
            Map.entry("threat.tactic.id", "keyword"),
            Map.entry("threat.tactic.name", "keyword"),
            Map.entry("threat.tactic.reference", "keyword"),
            Map.entry("observer.vendor", "keyword"),
            Map.entry("observer.product", "keyword"),
            Map.entry("observer.version", "keyword"),
            Map.entry("tags", "keyword"));
    /** ECS's allowed values of the enumerated fields used here. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "event.kind",
                    Set.of("alert", "asset", "enrichment", "event", "metric", "state", "pipeline_error", "signal"),
            "event.category", Set.of("database", "network", "intrusion_detection", "threat"),
            "event.type",
                    Set.of(
                            "access",
                            "allowed",
                            "change",
                            "connection",
                            "creation",
                            "deletion",
                            "denied",
                            "end",
                            "error",
                            "info",
                            "start"),
            "network.direction", Set.of("ingress", "egress", "inbound", "outbound", "internal", "external", "unknown"));

    static Stream<ExfiltrationAlert> alerts() {
        return Stream.of(
                TestAlerts.alert().build(),
                TestAlerts.alert().withEgress().build(),
                TestAlerts.alert().status(AlertStatus.UPDATED).withEgress().build(),
                TestAlerts.alert().status(AlertStatus.CLOSED).withEgress().build(),
                TestAlerts.alert().status(AlertStatus.UPDATED).withTotals().build(),
                TestAlerts.alert()
                        .status(AlertStatus.CLOSED)
                        .withEgress()
                        .withTotals()
                        .build(),
                TestAlerts.alert()
                        .suppressed("allow-list rule r1 (owner soc): nightly export")
                        .build(),
                DriftAlertsTest.opened(),
                DriftAlertsTest.closed(),
                OcsfFindingTest.linkedClose());
    }

    @ParameterizedTest
    @MethodSource("alerts")
    void everyFieldIsAnEcsFieldOfItsTypeOrUnderTheCustomNamespace(ExfiltrationAlert alert) throws Exception {
        JsonNode doc = JSON.readTree(EcsAlert.render(alert));
        List<String> problems = new ArrayList<>();
        walk("", doc, problems);
        assertThat(problems).isEmpty();
    }

    private static void walk(String path, JsonNode node, List<String> problems) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (!child.startsWith("exfilguard.")) {
                    walk(child, e.getValue(), problems);
                }
            }
            return;
        }
        String type = ECS_FIELDS.get(path);
        if (type == null) {
            problems.add(path + " is not an ECS field");
            return;
        }
        for (JsonNode value : node.isArray() ? node : List.of(node)) {
            boolean ok = switch (type) {
                case "long" -> value.isIntegralNumber();
                case "float" -> value.isNumber();
                case "ip" -> value.asText().matches("[0-9.]+|[0-9a-fA-F:]+");
                case "date" -> value.isTextual() && java.time.Instant.parse(value.asText()) != null;
                default -> value.isTextual();
            };
            if (!ok) {
                problems.add(path + " = " + value + " is not of ECS type " + type);
            }
            if (ALLOWED.containsKey(path) && !ALLOWED.get(path).contains(value.asText())) {
                problems.add(path + " = " + value + " is not an allowed value");
            }
        }
    }

    @Test
    void rendersAlertWithWhoWhatWhereAndTheBaselineUnderItsOwnNamespace() throws Exception {
        ExfiltrationAlert alert =
                TestAlerts.alert().withEgress().severity(Severity.CRITICAL).build();
        JsonNode doc = JSON.readTree(EcsAlert.render(alert));

        assertThat(doc.get("@timestamp").asText())
                .isEqualTo(alert.getDetectedAt().toString());
        assertThat(doc.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(doc.at("/event/type").toString()).isEqualTo("[\"start\"]");
        assertThat(doc.at("/event/id").asText()).isEqualTo(alert.getAlertId());
        assertThat(doc.at("/event/action").asText()).isEqualTo("incident-opened");
        assertThat(doc.at("/event/risk_score").asInt()).isEqualTo(99);
        assertThat(doc.at("/event/category").toString()).isEqualTo("[\"database\",\"network\"]");
        assertThat(doc.at("/user/name").asText()).isEqualTo("jdoe");
        assertThat(doc.at("/related/ip").toString()).contains("10.20.0.15", "198.51.100.20");
        assertThat(doc.at("/threat/technique/id").toString()).isEqualTo("[\"T1213\",\"T1048\",\"T1567\"]");
        assertThat(doc.at("/threat/tactic/id").toString()).isEqualTo("[\"TA0009\",\"TA0010\"]");
        assertThat(doc.at("/exfilguard/observed_rows").asLong()).isEqualTo(alert.getObservedRows());
        assertThat(doc.at("/exfilguard/threshold_rows").asDouble()).isEqualTo(alert.getThresholdRows());
        assertThat(doc.at("/exfilguard/statement_fingerprints/0").asText())
                .isEqualTo(alert.getStatementFingerprints().get(0));
    }

    @Test
    void bytesThatLeftAreWhatTheSourceSentOutboundToTheDestinationPort() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().withEgress().build();
        JsonNode doc = JSON.readTree(EcsAlert.render(alert));

        // ECS: source.bytes are the bytes the source sent; destination.bytes would be the reply (a download).
        assertThat(doc.at("/source/ip").asText()).isEqualTo(alert.getEgress().getSrcIp());
        assertThat(doc.at("/source/bytes").asLong()).isEqualTo(430_000_000L);
        assertThat(doc.at("/destination/bytes").isMissingNode()).isTrue();
        assertThat(doc.at("/destination/ip").asText()).isEqualTo("203.0.113.77");
        assertThat(doc.at("/destination/port").asInt()).isEqualTo(443);
        assertThat(doc.at("/destination/domain").asText()).isEqualTo("upload.example-share.net");
        assertThat(doc.at("/network/direction").asText()).isEqualTo("outbound");
    }

    @Test
    void closedReadWithoutEgressIsTheEndOfTheIncidentNotAnotherAlert() throws Exception {
        JsonNode doc = JSON.readTree(
                EcsAlert.render(TestAlerts.alert().status(AlertStatus.CLOSED).build()));
        assertThat(doc.at("/event/action").asText()).isEqualTo("incident-closed");
        assertThat(doc.at("/event/kind").asText()).isEqualTo("event");
        assertThat(doc.at("/event/type").toString()).isEqualTo("[\"end\"]");
        assertThat(doc.at("/event/risk_score").isMissingNode()).isTrue();
        assertThat(doc.has("destination")).isFalse();
        assertThat(doc.has("network")).isFalse();
        assertThat(doc.at("/source/ip").asText()).isEqualTo("10.20.0.14");
        assertThat(doc.at("/event/category").toString()).isEqualTo("[\"database\"]");
    }

    @Test
    void aLinkedCloseNamesTheTableIncidentsUnderItsOwnNamespace() throws Exception {
        JsonNode doc = JSON.readTree(EcsAlert.render(OcsfFindingTest.linkedClose()));

        assertThat(doc.path("exfilguard").path("related_incident_ids").toString())
                .isEqualTo("[\"inc-table-1\",\"inc-table-2\"]");
        assertThat(JSON.readTree(EcsAlert.render(TestAlerts.alert().build()))
                        .path("exfilguard")
                        .has("related_incident_ids"))
                .isFalse();
    }

    @Test
    void suppressedRecordIsTaggedAndNotAnAlert() throws Exception {
        JsonNode doc = JSON.readTree(EcsAlert.render(
                TestAlerts.alert().suppressed("allow-list rule r1").build()));
        assertThat(doc.at("/event/kind").asText()).isEqualTo("event");
        assertThat(doc.at("/event/type").toString()).isEqualTo("[\"start\",\"allowed\"]");
        assertThat(doc.at("/tags").toString()).isEqualTo("[\"" + EcsAlert.SUPPRESSED_TAG + "\"]");
        assertThat(doc.at("/event/risk_score").isMissingNode()).isTrue();
        assertThat(doc.at("/exfilguard/suppressed").asBoolean()).isTrue();
    }

    @Test
    void updatedRecordIsAChangeOfTheIncident() throws Exception {
        JsonNode doc = JSON.readTree(
                EcsAlert.render(TestAlerts.alert().status(AlertStatus.UPDATED).build()));
        assertThat(doc.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(doc.at("/event/type").toString()).isEqualTo("[\"change\"]");
    }

    @Test
    void incidentTotalsAreCustomFieldsUnderTheIncidentNamespaceAndTheirHostsAreRelated() throws Exception {
        JsonNode doc = JSON.readTree(EcsAlert.render(TestAlerts.alert()
                .status(AlertStatus.CLOSED)
                .withEgress()
                .withTotals()
                .build()));
        assertThat(doc.at("/exfilguard/incident/rows").asLong()).isEqualTo(1_200_000);
        assertThat(doc.at("/exfilguard/incident/bytes").asLong()).isEqualTo(216_000_000L);
        assertThat(doc.at("/exfilguard/incident/largest_read_rows").asLong()).isEqualTo(25_000);
        assertThat(doc.at("/exfilguard/incident/first_read").asText()).isEqualTo("2026-03-13T23:47:00Z");
        assertThat(doc.at("/exfilguard/incident/egress_bytes_out").asLong()).isEqualTo(431_000_000L);
        assertThat(doc.at("/exfilguard/incident/egress_destinations/0").asText())
                .isEqualTo("203.0.113.77");
        assertThat(doc.at("/related/ip").toString()).contains("10.20.0.15", "203.0.113.77");
        assertThat(JSON.readTree(EcsAlert.render(TestAlerts.alert().build()))
                        .at("/exfilguard/incident")
                        .isMissingNode())
                .isTrue();
    }
}
