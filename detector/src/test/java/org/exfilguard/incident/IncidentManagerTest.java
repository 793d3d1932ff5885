package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.detect.Threshold;
import org.exfilguard.detect.WindowVerdict;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.profile.WindowProfile;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The incident lifecycle on its own, with verdicts made by hand: open on a crossing, paced updates on growth, a rise
 * in severity at once, the update budget (one kept for the escalation), close after the quiet period, and the
 * records the egress side's reports make ({@link IncidentManager#escalation}, {@link IncidentManager#closedWithEgress}).
 */
class IncidentManagerTest {

    private static final String ACCOUNT = "svc-report";
    private static final String TABLE = "coop.members";
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Threshold THRESHOLD = new Threshold(10_000, 2_000, 500, 4_000, Threshold.PERSONAL, 28, 0);

    private final DetectionSettings settings = DetectionSettings.defaults(SensitiveTables.parse(TABLE));
    private final IncidentLifecycle lifecycle = IncidentLifecycle.defaults();
    private final IncidentManager incidents = new IncidentManager(lifecycle, "test");
    private ScopeProfile profile;

    @BeforeEach
    void freshProfile() {
        profile = ScopeProfile.fresh(
                ACCOUNT, TABLE, settings.windows(), settings.historyDays(), T0.minus(Duration.ofDays(30)));
    }

    /** A read of {@code rows} at {@code at} whose shortest window stands at {@code score} times its threshold. */
    private Optional<ExfiltrationAlert> read(Instant at, long rows, double score, WindowVerdict.State state) {
        WindowProfile window = profile.windows().get(0);
        window.add(at, rows, 0);
        DbAccessEvent event = TestEvents.dbRead()
                .account(ACCOUNT)
                .table(TABLE)
                .rows(rows)
                .at(at)
                .clientIp("10.1.2.3")
                .build();
        WindowVerdict verdict = new WindowVerdict(
                window, state, Math.round(score * THRESHOLD.value()), 0, THRESHOLD, score, Double.NaN);
        return incidents.onRead(profile, List.of(verdict), event, () -> true);
    }

    private Optional<ExfiltrationAlert> above(Instant at, double score) {
        return read(at, 1_000, score, WindowVerdict.State.ABOVE);
    }

    private ExfiltrationAlert open(double score) {
        return read(T0, 20_000, score, WindowVerdict.State.CROSSED).orElseThrow();
    }

    @Test
    void opensWhenAWindowCrossesAndNotBefore() {
        assertThat(above(T0.minusSeconds(60), 1.2))
                .as("above without a crossing opens nothing")
                .isEmpty();

        ExfiltrationAlert opened = open(2.0);

        assertThat(opened.getStatus()).isEqualTo(AlertStatus.OPENED);
        assertThat(opened.getKind()).isEqualTo(AlertKind.BULK_READ);
        assertThat(opened.getSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(opened.getIncidentId()).isEqualTo(Ids.incidentId(ACCOUNT, TABLE, T0.toEpochMilli()));
        assertThat(opened.getAlertId()).isEqualTo(Ids.alertId(opened.getIncidentId(), 0));
        assertThat(opened.getMitreTechniques()).containsExactly(AttackCatalog.DATA_FROM_REPOSITORIES.uid());
        assertThat(opened.getTotals().getRows()).isPositive();
        assertThat(profile.incident().incidentId()).isEqualTo(opened.getIncidentId());
    }

    @Test
    void aNarrowerIncidentKeepsTheScopeFromOpening() {
        WindowProfile window = profile.windows().get(0);
        window.add(T0, 20_000, 0);
        DbAccessEvent event = TestEvents.dbRead()
                .account(ACCOUNT)
                .table(TABLE)
                .rows(20_000)
                .at(T0)
                .build();
        WindowVerdict crossed =
                new WindowVerdict(window, WindowVerdict.State.CROSSED, 20_000, 0, THRESHOLD, 2.0, Double.NaN);

        assertThat(incidents.onRead(profile, List.of(crossed), event, () -> false))
                .isEmpty();
        assertThat(profile.incident()).isNull();
    }

    @Test
    void growthIsPacedByTheUpdateInterval() {
        open(1.6);
        Instant early = T0.plus(lifecycle.updateInterval()).minusSeconds(60);

        assertThat(above(early, 1.6 * lifecycle.growthFactor()))
                .as("grown, same severity, before the interval")
                .isEmpty();
        assertThat(above(T0.plus(lifecycle.updateInterval()), 1.6 * lifecycle.growthFactor() * 0.99))
                .as("due, but not grown by the factor")
                .isEmpty();

        ExfiltrationAlert updated = above(T0.plus(lifecycle.updateInterval()), 1.6 * lifecycle.growthFactor())
                .orElseThrow();
        assertThat(updated.getStatus()).isEqualTo(AlertStatus.UPDATED);
        assertThat(updated.getSeverity()).isEqualTo(Severity.MEDIUM);
        assertThat(updated.getAlertId()).isEqualTo(Ids.alertId(updated.getIncidentId(), 1));
    }

    @Test
    void aRiseInSeverityIsReportedAtOnce() {
        open(2.0);

        ExfiltrationAlert updated = above(T0.plusSeconds(30), 25).orElseThrow();

        assertThat(updated.getStatus()).isEqualTo(AlertStatus.UPDATED);
        assertThat(updated.getSeverity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void updatesStopAtTheBudgetKeepingOneForTheEscalation() {
        open(1.2);
        assertThat(profile.incident().severity()).isEqualTo(Severity.LOW.name());
        int budget = lifecycle.maxUpdates() - 1;
        double[] rising = {2, 6, 25};
        int updates = 0;
        for (int i = 0; i < rising.length; i++) {
            if (above(T0.plusSeconds(10L * (i + 1)), rising[i]).isPresent()) {
                updates++;
            }
        }
        assertThat(updates).isEqualTo(budget);
        assertThat(profile.incident().alerts()).isEqualTo(1 + budget);
    }

    @Test
    void closesAfterTheQuietPeriodWithItsTotals() {
        ExfiltrationAlert opened = open(2.0);
        Instant due = incidents.closeDue(profile.incident());
        assertThat(due).isEqualTo(T0.plus(lifecycle.quietPeriod()));

        assertThat(incidents.closeIfQuiet(profile, due.minusMillis(1))).isEmpty();
        ExfiltrationAlert closed =
                incidents.closeIfQuiet(profile, due.plusSeconds(3600)).orElseThrow();

        assertThat(closed.getStatus()).isEqualTo(AlertStatus.CLOSED);
        assertThat(closed.getIncidentId()).isEqualTo(opened.getIncidentId());
        assertThat(closed.getAlertId()).isEqualTo(Ids.alertId(opened.getIncidentId(), 1));
        assertThat(closed.getDetectedAt())
                .as("the quiet period's end, not the stream time")
                .isEqualTo(due);
        assertThat(closed.getTotals()).isEqualTo(opened.getTotals());
        assertThat(profile.incident()).isNull();
        assertThat(profile.closed().incidentId()).isEqualTo(opened.getIncidentId());
        assertThat(incidents.closeIfQuiet(profile, due.plusSeconds(7200)))
                .as("closed once")
                .isEmpty();
    }

    @Test
    void aReadWithRowsPostponesTheClose() {
        open(2.0);
        Instant later = T0.plus(Duration.ofMinutes(30));
        above(later, 1.1);

        assertThat(incidents.closeDue(profile.incident())).isEqualTo(later.plus(lifecycle.quietPeriod()));
    }

    @Test
    void escalationRepeatsTheReadRecordWithTheEvidenceAtLeastHigh() {
        ExfiltrationAlert opened = open(2.0);
        Instant at = T0.plus(Duration.ofMinutes(7));

        ExfiltrationAlert escalated = incidents.escalation(opened, evidence(443, 5, 9_000_000_000L), 2, at);

        assertThat(escalated.getStatus()).isEqualTo(AlertStatus.UPDATED);
        assertThat(escalated.getKind()).isEqualTo(AlertKind.READ_THEN_EGRESS);
        assertThat(escalated.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(escalated.getAlertId())
                .as("independent of the records before it")
                .isEqualTo(Ids.alertId(opened.getIncidentId(), IncidentManager.ESCALATION_SEQUENCE + 2));
        assertThat(escalated.getDetectedAt()).isEqualTo(at);
        assertThat(escalated.getMitreTechniques())
                .containsExactly(
                        AttackCatalog.DATA_FROM_REPOSITORIES.uid(),
                        AttackCatalog.OVER_WEB_SERVICE.uid(),
                        AttackCatalog.TRANSFER_SIZE_LIMITS.uid());
        assertThat(escalated.getReason())
                .startsWith(opened.getReason().split(" Then ")[0])
                .contains(" Then ");
        assertThat(escalated.getTotals().getEgressBytesOut()).isEqualTo(9_000_000_000L);
        assertThat(escalated.getTotals().getEgressDestinations()).containsExactly("203.0.113.9");
        assertThat(IncidentManager.escalated(Severity.CRITICAL)).isEqualTo(Severity.CRITICAL);
        assertThat(IncidentManager.escalated(Severity.LOW)).isEqualTo(Severity.HIGH);
    }

    @Test
    void anAlternativeProtocolInFewFlowsIsT1048Only() {
        ExfiltrationAlert escalated = incidents.escalation(open(2.0), evidence(22, 1, 5_000_000_000L), 0, T0);

        assertThat(escalated.getMitreTechniques())
                .containsExactly(
                        AttackCatalog.DATA_FROM_REPOSITORIES.uid(), AttackCatalog.OVER_ALTERNATIVE_PROTOCOL.uid());
    }

    @Test
    void closedWithEgressAddsTheBytesAndRaisesOnlyWhenUnusual() {
        open(2.0);
        ExfiltrationAlert closed =
                incidents.closeIfQuiet(profile, T0.plus(Duration.ofDays(1))).orElseThrow();
        EgressEvidence evidence = evidence(443, 2, 3_000_000_000L);

        ExfiltrationAlert usual = incidents.closedWithEgress(closed, evidence, false, 1_234, List.of("198.51.100.7"));
        assertThat(usual.getKind()).isEqualTo(AlertKind.BULK_READ);
        assertThat(usual.getSeverity()).isEqualTo(closed.getSeverity());
        assertThat(usual.getEgress()).isNull();
        assertThat(usual.getTotals().getEgressBytesOut()).isEqualTo(1_234);
        assertThat(usual.getTotals().getEgressDestinations()).containsExactly("198.51.100.7");

        ExfiltrationAlert unusual = incidents.closedWithEgress(
                closed, evidence, true, 3_000_000_000L, IncidentManager.destinations(evidence));
        assertThat(unusual.getStatus()).isEqualTo(AlertStatus.CLOSED);
        assertThat(unusual.getKind()).isEqualTo(AlertKind.READ_THEN_EGRESS);
        assertThat(unusual.getSeverity()).isEqualTo(Severity.HIGH);
        assertThat(unusual.getEgress()).isEqualTo(evidence);

        ExfiltrationAlert nothing = incidents.closedWithEgress(closed, null, true, 0, List.of());
        assertThat(nothing).as("no bytes, no evidence: the record as closed").isEqualTo(closed);
    }

    @Test
    void severityCutOffs() {
        assertThat(lifecycle.severities().of(1.49)).isEqualTo(Severity.LOW);
        assertThat(lifecycle.severities().of(1.5)).isEqualTo(Severity.MEDIUM);
        assertThat(lifecycle.severities().of(5)).isEqualTo(Severity.HIGH);
        assertThat(lifecycle.severities().of(20)).isEqualTo(Severity.CRITICAL);
    }

    private static EgressEvidence evidence(int port, int flows, long bytes) {
        EgressDestination d = EgressDestination.newBuilder()
                .setDstIp("203.0.113.9")
                .setDstHost(null)
                .setDstPort(port)
                .setBytesOut(bytes)
                .setFirstSeenFromHost(true)
                .setFirstSeenInOrg(true)
                .setFlows(flows)
                .build();
        return EgressEvidence.newBuilder()
                .setSrcIp("10.1.2.3")
                .setBytesOut(bytes)
                .setFirstTime(T0.plusSeconds(60))
                .setLastTime(T0.plusSeconds(300))
                .setDestinations(List.of(d))
                .build();
    }
}
