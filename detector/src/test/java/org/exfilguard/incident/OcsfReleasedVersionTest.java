package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The findings against the OCSF release they name, without ../shared: the attribute lists below are those of
 * OCSF v1.8.0 (ocsf-schema tag v1.8.0: detection_finding through finding and base_event; network_endpoint through
 * endpoint and _entity; evidences; network_connection_info), kept here so a bare clone checks them.
 * OcsfFindingTest validates the full structure against the schema files where ../shared has them.
 */
class OcsfReleasedVersionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Set<String> REQUIRED = Set.of(
            "activity_id", "category_uid", "class_uid", "finding_info", "metadata", "severity_id", "time", "type_uid");
    static final Set<String> DETECTION_FINDING = Set.of(
            "activity_id",
            "activity_name",
            "anomaly_analyses",
            "category_name",
            "category_uid",
            "class_name",
            "class_uid",
            "comment",
            "confidence",
            "confidence_id",
            "confidence_score",
            "count",
            "device",
            "duration",
            "end_time",
            "enrichments",
            "evidences",
            "finding_info",
            "impact",
            "impact_id",
            "impact_score",
            "is_alert",
            "malware",
            "malware_scan_info",
            "message",
            "metadata",
            "observables",
            "raw_data",
            "raw_data_hash",
            "raw_data_size",
            "remediation",
            "resources",
            "risk_details",
            "risk_level",
            "risk_level_id",
            "risk_score",
            "severity",
            "severity_id",
            "start_time",
            "status",
            "status_code",
            "status_detail",
            "status_id",
            "time",
            "timezone_offset",
            "type_name",
            "type_uid",
            "unmapped",
            "vendor_attributes",
            "vulnerabilities");
    static final Set<String> EVIDENCES = Set.of(
            "actor",
            "api",
            "connection_info",
            "container",
            "data",
            "database",
            "databucket",
            "device",
            "dst_endpoint",
            "email",
            "file",
            "http_request",
            "http_response",
            "ja4_fingerprint_list",
            "job",
            "name",
            "process",
            "query",
            "resources",
            "script",
            "src_endpoint",
            "tls",
            "uid",
            "url",
            "user",
            "verdict",
            "verdict_id");
    static final Set<String> NETWORK_ENDPOINT = Set.of(
            "autonomous_system",
            "fingerprints",
            "intermediate_ips",
            "isp",
            "isp_org",
            "network_scope",
            "network_scope_id",
            "port",
            "proxy_endpoint",
            "svc_name",
            "type",
            "type_id",
            "uid",
            "agent_list",
            "domain",
            "hostname",
            "hw_info",
            "instance_uid",
            "interface_name",
            "interface_uid",
            "ip",
            "location",
            "mac",
            "mac_vendor",
            "name",
            "os",
            "owner",
            "pool",
            "subnet_uid",
            "vlan_uid",
            "vpc_uid",
            "zone");
    static final Set<String> CONNECTION_INFO = Set.of(
            "boundary",
            "boundary_id",
            "community_uid",
            "direction",
            "direction_id",
            "flag_history",
            "protocol_name",
            "protocol_num",
            "protocol_ver",
            "protocol_ver_id",
            "session",
            "tcp_flags",
            "uid");

    static Stream<ExfiltrationAlert> alerts() {
        List<ExfiltrationAlert> alerts = new ArrayList<>();
        for (AlertStatus status : AlertStatus.values()) {
            alerts.add(TestAlerts.alert().status(status).build());
            alerts.add(TestAlerts.alert().status(status).withEgress().build());
            alerts.add(
                    TestAlerts.alert().status(status).withEgress().withTotals().build());
        }
        alerts.add(TestAlerts.alert().suppressed("allow-list rule r1").build());
        alerts.add(DriftAlertsTest.opened());
        alerts.add(DriftAlertsTest.closed());
        return alerts.stream();
    }

    @ParameterizedTest
    @MethodSource("alerts")
    void everyFindingHasTheRequiredAttributesOfTheReleaseItNamesAndNoOther(ExfiltrationAlert alert) throws Exception {
        JsonNode finding = JSON.readTree(OcsfFinding.render(alert));
        assertThat(finding.at("/metadata/version").asText()).isEqualTo("1.8.0");
        List<String> top = new ArrayList<>();
        finding.fieldNames().forEachRemaining(top::add);
        assertThat(top).containsAll(REQUIRED);
        assertThat(DETECTION_FINDING).containsAll(top);
        for (JsonNode evidence : finding.path("evidences")) {
            List<String> keys = new ArrayList<>();
            evidence.fieldNames().forEachRemaining(keys::add);
            assertThat(EVIDENCES).containsAll(keys);
            for (String endpoint : List.of("src_endpoint", "dst_endpoint")) {
                List<String> fields = new ArrayList<>();
                evidence.path(endpoint).fieldNames().forEachRemaining(fields::add);
                assertThat(NETWORK_ENDPOINT).as(endpoint).containsAll(fields);
            }
            List<String> connection = new ArrayList<>();
            evidence.path("connection_info").fieldNames().forEachRemaining(connection::add);
            assertThat(CONNECTION_INFO).containsAll(connection);
        }
    }

    @ParameterizedTest
    @MethodSource("alerts")
    void egressDestinationsCarryTheirPortFlowsAndOutboundDirection(ExfiltrationAlert alert) throws Exception {
        if (alert.getEgress() == null) {
            return;
        }
        JsonNode finding = JSON.readTree(OcsfFinding.render(alert));
        JsonNode destination = null;
        for (JsonNode evidence : finding.path("evidences")) {
            if (evidence.path("dst_endpoint").path("ip").asText().equals("203.0.113.77")) {
                destination = evidence;
            }
        }
        assertThat(destination).isNotNull();
        assertThat(destination.at("/dst_endpoint/port").asInt()).isEqualTo(443);
        assertThat(destination.at("/data/flows").asInt()).isEqualTo(12);
        assertThat(destination.at("/connection_info/direction_id").asInt()).isEqualTo(2);
    }
}
