package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;

class BreachScopeTest {

    private static final Instant T = Instant.parse("2026-03-14T02:47:00Z");

    @Test
    void anEscalationPublishedAfterTheCloseStillGivesTheIncidentsEgress() {
        // The read side closed the incident before the egress side's evidence arrived: the escalation is dated at the
        // evidence, before the CLOSED record, and only it carries the bytes out.
        List<ExfiltrationAlert> records = List.of(
                TestAlerts.alert().ids("inc-a", "alr-1").withTotals().build(),
                TestAlerts.alert()
                        .ids("inc-a", "alr-2")
                        .status(AlertStatus.CLOSED)
                        .detectedAt(T.plusSeconds(7200))
                        .withTotals()
                        .build(),
                TestAlerts.alert()
                        .ids("inc-a", "alr-3")
                        .status(AlertStatus.UPDATED)
                        .detectedAt(T.plusSeconds(1800))
                        .withEgress()
                        .withTotals()
                        .build());
        BreachScope.Incident incident =
                BreachScope.of(records, "inc-a", null, null).incidents().get(0);
        assertThat(incident.status()).isEqualTo("CLOSED");
        assertThat(incident.kind()).isEqualTo("READ_THEN_EGRESS");
        assertThat(incident.lastRead())
                .as("the reads of the record whose totals reach furthest")
                .isEqualTo(T.plusSeconds(7200 - 120));
        assertThat(incident.bytesOut()).isEqualTo(431_000_000L);
        assertThat(incident.destinations()).containsExactly("203.0.113.77 (upload.example-share.net)");
    }

    @Test
    void anAccountsBoundsAreTheSumAndTheLargestOfItsIncidents() {
        List<ExfiltrationAlert> records = List.of(
                TestAlerts.alert().ids("inc-a", "alr-1").withTotals().build(),
                TestAlerts.alert()
                        .ids("inc-b", "alr-2")
                        .table("*")
                        .detectedAt(T.plusSeconds(86_400))
                        .withTotals()
                        .build(),
                TestAlerts.alert().ids("inc-c", "alr-3").account("bob").build());
        BreachScope scope = BreachScope.of(records, null, null, null);
        assertThat(scope.accounts()).hasSize(1);
        BreachScope.Account jdoe = scope.accounts().get(0);
        assertThat(jdoe.rowsAtMost()).isEqualTo(2_400_000);
        assertThat(jdoe.rowsAtLeast()).isEqualTo(25_000);
        assertThat(jdoe.tables()).containsExactly("coop.members", "*");
        assertThat(scope.withoutTotals()).containsExactly("inc-c");
        assertThat(scope.text())
                .contains("jdoe: coop.members, all sensitive tables together; rows at least 25,000, at most 2,400,000");
    }
}
