package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the Detection Finding rendering against the OCSF schema files in ../shared/ocsf, not against a list
 * written here: the required attributes, enums and object definitions are read from the schema at test time.
 */
class OcsfFindingTest {

    private static final String CLASS = "detection_finding";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OcsfSchema schema;

    @BeforeEach
    void locateSchema() {
        Optional<OcsfSchema> located = OcsfSchema.locate();
        assumeThat(located)
                .as("OCSF schema excerpt not found: set -Dexfilguard.shared.dir to the directory holding ocsf/"
                        + " (skipping the schema checks)")
                .isPresent();
        schema = located.get();
    }

    static Stream<Arguments> alerts() {
        List<Arguments> cases = new ArrayList<>();
        for (AlertStatus status : AlertStatus.values()) {
            cases.add(Arguments.of(
                    status + " bulk read", TestAlerts.alert().status(status).build()));
            cases.add(Arguments.of(
                    status + " read then egress",
                    TestAlerts.alert().status(status).withEgress().build()));
        }
        cases.add(Arguments.of(
                "cold start against peers",
                TestAlerts.alert().coldStart(99.4).bytes(null).build()));
        cases.add(Arguments.of(
                "all sensitive tables", TestAlerts.alert().table("*").build()));
        cases.add(Arguments.of("closed, linked to a table incident", linkedClose()));
        cases.add(Arguments.of(
                "suppressed by allow-list",
                TestAlerts.alert().suppressed("allow-list: nightly-backup").build()));
        cases.add(Arguments.of(
                "unknown technique, no client ip",
                TestAlerts.alert().clientIps().techniques("T1213.006", "T9999").build()));
        return cases.stream();
    }

    /** An account's CLOSED record on a table that a TABLE_SURGE incident named it in. */
    static ExfiltrationAlert linkedClose() {
        return ExfiltrationAlert.newBuilder(
                        TestAlerts.alert().status(AlertStatus.CLOSED).build())
                .setRelatedIncidentIds(List.of("inc-table-1", "inc-table-2"))
                .build();
    }

    @Test
    void aLinkedCloseNamesTheTableFindingsAsRelatedEvents() throws Exception {
        JsonNode info = JSON.readTree(OcsfFinding.render(linkedClose())).path("finding_info");

        assertThat(info.path("related_events").findValuesAsText("uid")).containsExactly("inc-table-1", "inc-table-2");
        assertThat(info.path("related_events_count").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(OcsfFinding.render(
                                TestAlerts.alert().status(AlertStatus.CLOSED).build()))
                        .path("finding_info")
                        .has("related_events"))
                .isFalse();
    }

    @Test
    void derivesRequiredAttributesThroughTheExtendsChain() {
        Set<String> required = schema.requiredAttributes(CLASS);
        System.out.println("OCSF " + schema.version() + " " + CLASS + " required attributes: " + required);
        // finding_info is required by finding.json and metadata by base_event.json: both levels were walked.
        assertThat(required).contains("finding_info", "metadata", "class_uid");
        assertThat(schema.classUid(CLASS)).isEqualTo(OcsfFinding.CLASS_UID);
        assertThat(schema.categoryUid(CLASS)).isEqualTo(OcsfFinding.CATEGORY_UID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alerts")
    void rendersAValidDetectionFinding(String name, ExfiltrationAlert alert) throws Exception {
        JsonNode finding = JSON.readTree(OcsfFinding.render(alert));

        assertThat(schema.requiredAttributes(CLASS))
                .allSatisfy(attribute -> assertThat(finding.has(attribute))
                        .as("required attribute %s", attribute)
                        .isTrue());
        OcsfSchema.Report report = schema.validate(finding, CLASS);
        System.out.println(name + ": object types not in the excerpt, checked for shape only: " + report.unchecked());
        assertThat(report.violations()).isEmpty();
    }

    @Test
    void schemaCheckRejectsBrokenFindings() throws Exception {
        var finding =
                (ObjectNode) JSON.readTree(OcsfFinding.render(TestAlerts.alert().build()));
        ((ObjectNode) finding.get("metadata")).remove("product");
        finding.put("severity_id", 7);
        finding.put("time", finding.get("time").asLong() / 1000);
        finding.put("type_uid", 200402);
        ((ObjectNode) finding.at("/observables/0")).put("type_id", 98);
        ((ObjectNode) finding.at("/evidences/0/database")).remove("type_id");
        finding.put("severity", "Severe");

        assertThat(schema.validate(finding, CLASS).violations())
                .containsExactlyInAnyOrder(
                        "metadata.product: required attribute missing",
                        "severity_id: 7 is not one of [0, 1, 2, 3, 4, 5, 6, 99]",
                        "time: " + finding.get("time").asLong() + " is not epoch milliseconds",
                        "type_uid: type_name 'Detection Finding: Create' is not the caption 'Detection Finding: Update' of 200402",
                        "observables[0].type_id: 98 is not one of "
                                + schema.observableTypes().keySet(),
                        "evidences[0].database.type_id: required attribute missing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alerts")
    void typeUidIsClassTimesHundredPlusActivity(String name, ExfiltrationAlert alert) throws Exception {
        JsonNode finding = JSON.readTree(OcsfFinding.render(alert));
        int expectedActivity = switch (alert.getStatus()) {
            case OPENED -> 1;
            case UPDATED -> 2;
            case CLOSED -> 3;
        };
        assertThat(schema.enumIds(CLASS, "activity_id")).contains(Integer.toString(expectedActivity));
        assertThat(finding.get("class_uid").asInt()).isEqualTo(schema.classUid(CLASS));
        assertThat(finding.get("category_uid").asInt()).isEqualTo(schema.categoryUid(CLASS));
        assertThat(finding.get("activity_id").asInt()).isEqualTo(expectedActivity);
        assertThat(finding.get("type_uid").asLong()).isEqualTo(schema.classUid(CLASS) * 100L + expectedActivity);
    }

    @Test
    void openedAlertIsDetectionFindingCreate() throws Exception {
        JsonNode finding = JSON.readTree(OcsfFinding.render(TestAlerts.alert().build()));
        assertThat(finding.get("class_uid").asInt()).isEqualTo(2004);
        assertThat(finding.get("type_uid").asLong()).isEqualTo(200401);
        assertThat(finding.get("is_alert").asBoolean()).isTrue();
        assertThat(finding.get("status_id").asInt()).isEqualTo(1);
    }

    @Test
    void closedFindingIsNotAnAlertAndSaysWhoClosedIt() throws Exception {
        JsonNode finding = JSON.readTree(
                OcsfFinding.render(TestAlerts.alert().status(AlertStatus.CLOSED).build()));
        assertThat(finding.get("activity_name").asText()).isEqualTo("Close");
        assertThat(finding.get("is_alert").asBoolean()).isFalse();
        assertThat(finding.get("status_id").asInt()).isEqualTo(99);
        assertThat(finding.get("status").asText()).isEqualTo("Closed");
    }

    @Test
    void suppressedAlertIsSuppressedFindingWithTheReason() throws Exception {
        JsonNode finding = JSON.readTree(OcsfFinding.render(
                TestAlerts.alert().suppressed("allow-list: backup").build()));
        assertThat(schema.classAttributes(CLASS)
                        .get("status_id")
                        .path("enum")
                        .path("3")
                        .path("caption")
                        .asText())
                .isEqualTo(finding.get("status").asText());
        assertThat(finding.get("status_id").asInt()).isEqualTo(3);
        assertThat(finding.get("status_detail").asText()).isEqualTo("allow-list: backup");
        assertThat(finding.get("is_alert").asBoolean()).isFalse();
    }

    @Test
    void severityMapsLowToCriticalOntoTwoToFive() throws Exception {
        Set<String> valid = schema.enumIds(CLASS, "severity_id");
        int expected = 2;
        for (Severity severity : Severity.values()) {
            JsonNode finding = JSON.readTree(
                    OcsfFinding.render(TestAlerts.alert().severity(severity).build()));
            assertThat(finding.get("severity_id").asInt()).as("%s", severity).isEqualTo(expected++);
            assertThat(valid).contains(finding.get("severity_id").asText());
        }
    }

    @Test
    void metadataNamesProductDetectorVersionAndSchemaVersion() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().build();
        JsonNode metadata = JSON.readTree(OcsfFinding.render(alert)).get("metadata");
        // Stamped with the released version; the excerpt under ../shared may be a later development version.
        assertThat(metadata.get("version").asText()).isEqualTo(OcsfFinding.OCSF_VERSION);
        assertThat(metadata.at("/product/name").asText()).isEqualTo("exfilguard");
        assertThat(metadata.at("/product/vendor_name").asText()).isNotBlank();
        assertThat(metadata.at("/product/version").asText()).isEqualTo(alert.getDetectorVersion());
        assertThat(metadata.get("uid").asText()).isEqualTo(alert.getAlertId());
    }

    @Test
    void findingInfoCarriesIncidentTitleReasonAndTimes() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().build();
        JsonNode info = JSON.readTree(OcsfFinding.render(alert)).get("finding_info");
        assertThat(info.get("uid").asText()).isEqualTo(alert.getIncidentId());
        assertThat(info.get("title").asText()).isEqualTo("Bulk read of coop.members by jdoe");
        assertThat(info.get("desc").asText()).isEqualTo(alert.getReason());
        assertThat(info.get("first_seen_time").asLong())
                .isEqualTo(alert.getFirstSeen().toEpochMilli());
        assertThat(info.get("last_seen_time").asLong())
                .isEqualTo(alert.getWindowEnd().toEpochMilli());
        assertThat(info.at("/analytic/name").asText()).isEqualTo("exfilguard read-profile");
    }

    @Test
    void attacksNameTechniquesAndTactics() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert()
                .withEgress()
                .techniques("T1213", "T1048", "T1213.006", "T9999")
                .build();
        JsonNode attacks = JSON.readTree(OcsfFinding.render(alert)).at("/finding_info/attacks");
        assertThat(attacks).hasSize(4);
        assertThat(attacks.get(0).at("/technique/name").asText()).isEqualTo("Data from Information Repositories");
        assertThat(attacks.get(0).at("/tactic/uid").asText()).isEqualTo("TA0009");
        assertThat(attacks.get(1).at("/technique/name").asText()).isEqualTo("Exfiltration Over Alternative Protocol");
        assertThat(attacks.get(1).at("/tactic/name").asText()).isEqualTo("Exfiltration");
        assertThat(attacks.get(2).at("/sub_technique/name").asText()).isEqualTo("Databases");
        assertThat(attacks.get(2).at("/technique/uid").asText()).isEqualTo("T1213");
        assertThat(attacks.get(3).at("/technique/uid").asText()).isEqualTo("T9999");
        assertThat(attacks.get(3).has("tactic")).isFalse();
    }

    @Test
    void anomalyAnalysesCarryBaselineAndDeviation() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().build();
        JsonNode read = JSON.readTree(OcsfFinding.render(alert)).at("/anomaly_analyses/0");

        assertThat(measure(read.get("baselines"), "rows_returned.typical")
                        .at("/observations/0/value")
                        .asText())
                .isEqualTo("12000");
        assertThat(measure(read.get("baselines"), "rows_returned.spread")
                        .at("/observations/0/value")
                        .asText())
                .isEqualTo("2500");
        JsonNode threshold = measure(read.get("baselines"), "rows_returned.threshold");
        assertThat(threshold.at("/observations/0/value").asText()).isEqualTo("57800");
        assertThat(threshold.at("/observations/0/timespan/duration_days").asInt())
                .isEqualTo(28);
        assertThat(threshold.get("observed_pattern").asText()).isEqualTo("personal-daily-peak");

        JsonNode rows = measure(read.get("anomalies"), "rows_returned");
        assertThat(rows.at("/observations/0/value").asText()).isEqualTo("480000");
        assertThat(rows.at("/observations/0/timespan/start_time").asLong())
                .isEqualTo(alert.getWindowStart().toEpochMilli());
        assertThat(rows.at("/observations/0/timespan/end_time").asLong())
                .isEqualTo(alert.getWindowEnd().toEpochMilli());
        assertThat(measure(read.get("anomalies"), "rows_returned.score")
                        .at("/observations/0/value")
                        .asText())
                .isEqualTo("8.3");
        assertThat(measure(read.get("anomalies"), "bytes_returned")
                        .at("/observations/0/value")
                        .asText())
                .isEqualTo("96000000");
        assertThat(read.at("/analysis_targets/0/name").asText()).isEqualTo("jdoe");
        assertThat(read.at("/analysis_targets/1/name").asText()).isEqualTo("coop.members");
    }

    @Test
    void coldStartAnalysisCarriesPeerPercentile() throws Exception {
        JsonNode read = JSON.readTree(
                        OcsfFinding.render(TestAlerts.alert().coldStart(99.4).build()))
                .at("/anomaly_analyses/0");
        JsonNode peer = measure(read.get("baselines"), "rows_returned.peer_percentile");
        assertThat(peer.at("/observations/0/value").asText()).isEqualTo("99.4");
        assertThat(peer.get("observed_pattern").asText()).isEqualTo("peer-quantile");
    }

    @Test
    void egressAnalysisCarriesBytesAndUnseenDestinations() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().withEgress().build();
        JsonNode egress = JSON.readTree(OcsfFinding.render(alert)).at("/anomaly_analyses/1");
        assertThat(egress.at("/analysis_targets/0/name").asText())
                .isEqualTo(alert.getEgress().getSrcIp());
        assertThat(measure(egress.get("anomalies"), "bytes_out")
                        .at("/observations/0/value")
                        .asText())
                .isEqualTo("431000000");
        JsonNode unseen = measure(egress.get("anomalies"), "dst_ip");
        assertThat(unseen.get("observations")).hasSize(1);
        assertThat(unseen.at("/observations/0/value").asText()).isEqualTo("203.0.113.77");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("alerts")
    void everyObservablePointsAtItsValueInTheFinding(String name, ExfiltrationAlert alert) throws Exception {
        JsonNode finding = JSON.readTree(OcsfFinding.render(alert));
        for (JsonNode observable : finding.get("observables")) {
            String pointer = "/"
                    + observable
                            .get("name")
                            .asText()
                            .replaceAll("\\[(\\d+)]", "/$1")
                            .replace('.', '/');
            assertThat(finding.at(pointer).asText())
                    .as(observable.get("name").asText())
                    .isEqualTo(observable.get("value").asText());
        }
    }

    @Test
    void observablesCoverAccountClientsTableAndEgressDestinations() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().withEgress().build();
        JsonNode observables = JSON.readTree(OcsfFinding.render(alert)).get("observables");
        var typeCaptions = schema.observableTypes();
        List<String> rendered = new ArrayList<>();
        observables.forEach(o -> rendered.add(typeCaptions.get(o.get("type_id").asText()) + "="
                + o.get("value").asText()));
        assertThat(rendered)
                .contains(
                        "User Name=jdoe",
                        "IP Address=10.20.0.14",
                        "IP Address=10.20.0.15",
                        "IP Address=203.0.113.77",
                        "IP Address=198.51.100.20",
                        "Hostname=upload.example-share.net",
                        "Other=coop.members");
    }

    @Test
    void evidencesCarryFingerprintsClientsAndEgressBytes() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().withEgress().build();
        JsonNode evidences = JSON.readTree(OcsfFinding.render(alert)).get("evidences");
        assertThat(evidences.at("/0/data/statement_fingerprints")).hasSize(2);
        assertThat(evidences.at("/0/data/statement_fingerprints/0").asText())
                .isEqualTo(alert.getStatementFingerprints().get(0));
        assertThat(evidences.at("/0/database/name").asText()).isEqualTo("coop");
        assertThat(evidences.at("/1/src_endpoint/ip").asText()).isEqualTo("10.20.0.14");
        assertThat(evidences.at("/2/src_endpoint/ip").asText()).isEqualTo("10.20.0.15");
        assertThat(evidences.at("/3/data/bytes_out").asLong()).isEqualTo(431_000_000L);
        assertThat(evidences.at("/4/dst_endpoint/hostname").asText()).isEqualTo("upload.example-share.net");
        assertThat(evidences.at("/4/data/bytes_out").asLong()).isEqualTo(430_000_000L);
        assertThat(evidences.at("/5/dst_endpoint/ip").asText()).isEqualTo("198.51.100.20");
    }

    private static JsonNode measure(JsonNode measures, String parameter) {
        for (JsonNode m : measures) {
            if (m.get("observation_parameter").asText().equals(parameter)) {
                return m;
            }
        }
        throw new AssertionError("no " + parameter + " in " + measures);
    }

    @Test
    void incidentTotalsAreTheLastEvidenceSoTheObservablesStillPointAtTheirs() throws Exception {
        JsonNode without =
                JSON.readTree(OcsfFinding.render(TestAlerts.alert().withEgress().build()));
        JsonNode finding = JSON.readTree(
                OcsfFinding.render(TestAlerts.alert().withEgress().withTotals().build()));
        JsonNode evidences = finding.get("evidences");
        assertThat(evidences.size()).isEqualTo(without.get("evidences").size() + 1);
        JsonNode totals = evidences.get(evidences.size() - 1);
        assertThat(totals.get("name").asText()).isEqualTo("incident totals");
        assertThat(totals.at("/data/rows").asLong()).isEqualTo(1_200_000);
        assertThat(totals.at("/data/egress_bytes_out").asLong()).isEqualTo(431_000_000L);
        assertThat(totals.at("/data/client_ips").size()).isEqualTo(2);
        assertThat(finding.get("observables")).isEqualTo(without.get("observables"));
    }
}
