package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.exfilguard.detect.DriftVerdict;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.junit.jupiter.api.Test;

class DriftAlertsTest {

    static final Instant SINCE = Instant.parse("2026-03-16T09:02:28Z");
    static final Instant AT = Instant.parse("2026-03-17T11:36:53Z");

    static DriftVerdict verdict(boolean opened) {
        String id = DriftAlerts.incidentId("dnguyen", "coop.members", AT);
        return new DriftVerdict(
                opened,
                opened ? AT : Instant.parse("2026-03-24T00:00:00Z"),
                id,
                SINCE,
                2,
                2_832,
                22,
                33,
                500,
                opened ? 1_000 : 0,
                1_000,
                15,
                776);
    }

    /** A SLOW_DRIFT OPENED record as the read side publishes it. */
    static ExfiltrationAlert opened() {
        return new DriftAlerts("test", IncidentLifecycle.Severities.defaults())
                .opened(
                        "dnguyen",
                        "coop.members",
                        verdict(true),
                        "10.20.1.14",
                        "select * from coop.members where id = ?");
    }

    /** Its CLOSED record. */
    static ExfiltrationAlert closed() {
        return new DriftAlerts("test", IncidentLifecycle.Severities.defaults())
                .closed("dnguyen", "coop.members", verdict(false));
    }

    @Test
    void anOpeningSaysTheNormTheExcessAndSinceWhen() {
        ExfiltrationAlert alert = opened();
        assertThat(alert.getKind()).isEqualTo(AlertKind.SLOW_DRIFT);
        assertThat(alert.getStatus()).isEqualTo(AlertStatus.OPENED);
        assertThat(alert.getSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(alert.getWindow()).isEqualTo("drift");
        assertThat(alert.getWindowStart()).isEqualTo(SINCE);
        assertThat(alert.getFirstSeen()).isEqualTo(SINCE);
        assertThat(alert.getBaselineMethod()).isEqualTo(DriftAlerts.METHOD);
        assertThat(alert.getTotals().getRows()).isEqualTo(2_832);
        assertThat(alert.getReason())
                .isEqualTo("dnguyen has read more of coop.members than its norm for 2 days, since "
                        + "2026-03-16T09:02:28Z: 2,832 rows, 2,788 over its norm of 22 rows a day (median of 15 days, spread 33), "
                        + "776 so far today; each day worth more than 500 rows over the norm counts, and the drift alarms after "
                        + "twice that (CUSUM 1,000).");
        // Apart from the bulk-read incidents of the same scope, and stable for a replay.
        assertThat(alert.getIncidentId())
                .isNotEqualTo(Ids.incidentId("dnguyen", "coop.members", AT.toEpochMilli()))
                .isEqualTo(opened().getIncidentId());
    }

    @Test
    void aCloseNamesTheSameIncident() {
        ExfiltrationAlert alert = closed();
        assertThat(alert.getStatus()).isEqualTo(AlertStatus.CLOSED);
        assertThat(alert.getIncidentId()).isEqualTo(opened().getIncidentId());
        assertThat(alert.getAlertId()).isNotEqualTo(opened().getAlertId());
        assertThat(alert.getReason()).contains("back to their norm of 22 rows a day", "drift since 2026-03-16");
    }
}
