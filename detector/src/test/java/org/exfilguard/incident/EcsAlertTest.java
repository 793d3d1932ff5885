package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;

class EcsAlertTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rendersAlertWithWhoWhatWhereAndTheBaselineUnderItsOwnNamespace() throws Exception {
        ExfiltrationAlert alert = TestAlerts.alert().withEgress().severity(Severity.CRITICAL).build();
        JsonNode doc = JSON.readTree(EcsAlert.render(alert));

        assertThat(doc.get("@timestamp").asText()).isEqualTo(alert.getDetectedAt().toString());
        assertThat(doc.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(doc.at("/event/id").asText()).isEqualTo(alert.getAlertId());
        assertThat(doc.at("/event/action").asText()).isEqualTo("incident-opened");
        assertThat(doc.at("/event/risk_score").asInt()).isEqualTo(99);
        assertThat(doc.at("/event/category").toString()).isEqualTo("[\"database\",\"network\"]");
        assertThat(doc.at("/user/name").asText()).isEqualTo("jdoe");
        assertThat(doc.at("/source/ip").asText()).isEqualTo("10.20.0.14");
        assertThat(doc.at("/destination/ip").asText()).isEqualTo("203.0.113.77");
        assertThat(doc.at("/destination/bytes").asLong()).isEqualTo(430_000_000L);
        assertThat(doc.at("/related/ip").toString()).contains("10.20.0.15", "198.51.100.20");
        assertThat(doc.at("/threat/technique/id").toString()).isEqualTo("[\"T1213\",\"T1048\",\"T1567\"]");
        assertThat(doc.at("/threat/tactic/id").toString()).isEqualTo("[\"TA0009\",\"TA0010\"]");
        assertThat(doc.at("/exfilguard/observed_rows").asLong()).isEqualTo(alert.getObservedRows());
        assertThat(doc.at("/exfilguard/threshold_rows").asDouble()).isEqualTo(alert.getThresholdRows());
        assertThat(doc.at("/exfilguard/statement_fingerprints/0").asText()).isEqualTo(alert.getStatementFingerprints().get(0));
    }

    @Test
    void closedReadWithoutEgressHasNoDestination() throws Exception {
        JsonNode doc = JSON.readTree(EcsAlert.render(TestAlerts.alert().status(AlertStatus.CLOSED).build()));
        assertThat(doc.at("/event/action").asText()).isEqualTo("incident-closed");
        assertThat(doc.has("destination")).isFalse();
        assertThat(doc.at("/event/category").toString()).isEqualTo("[\"database\"]");
    }
}
