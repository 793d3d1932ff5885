package org.exfilguard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.sim.ScenarioKind;
import org.exfilguard.sim.TruthEntry;
import org.junit.jupiter.api.Test;

class WarmupAndLookalikeEvaluationTest {
    private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    private static final Instant SCORED_FROM = START.plus(Duration.ofDays(7));
    private static final Duration GRACE = Duration.ofHours(2);

    private static TruthEntry entry(
            String id, ScenarioKind kind, String account, Instant start, Duration length, String egressDst) {
        return new TruthEntry(
                id,
                kind,
                account,
                "coop.members",
                start,
                start.plus(length),
                "10.20.1.10",
                egressDst,
                kind.benign() ? 0 : 5_000);
    }

    private static ExfiltrationAlert alert(
            String id, String incident, String kind, String account, String table, Instant at) {
        return ExfiltrationAlert.newBuilder()
                .setAlertId(id)
                .setIncidentId(incident)
                .setStatus(AlertStatus.OPENED)
                .setKind(AlertKind.valueOf(kind))
                .setSeverity(Severity.HIGH)
                .setScore(2.0)
                .setAccount(account)
                .setTable(table)
                .setDetectedAt(at)
                .setWindowStart(at.minus(Duration.ofMinutes(15)))
                .setWindowEnd(at)
                .setObservedRows(5_000)
                .setBaselineRows(100)
                .setBaselineMethod("personal-daily-peak")
                .setBaselineHistoryDays(28)
                .setReason("test")
                .setDetectorVersion("test")
                .build();
    }

    private static Instant day(int d, int hour) {
        return START.plus(Duration.ofDays(d)).plus(Duration.ofHours(hour));
    }

    private final List<TruthEntry> truth = List.of(
            // in the warm-up: not scored, but a later alert on it is not false either
            entry("S1", ScenarioKind.SLOW_DRIFT, "early", day(5, 9), Duration.ofDays(3), null),
            entry("S2", ScenarioKind.NIGHT_READ, "nights", day(9, 1), Duration.ofMinutes(40), "203.0.113.215"),
            entry("S3", ScenarioKind.FIRST_DAY_EGRESS, "fresh", day(10, 13), Duration.ofMinutes(50), "203.0.113.222"),
            entry("S4", ScenarioKind.LATE_SHIFT, "owl", day(11, 14), Duration.ofDays(4), null),
            entry("S5", ScenarioKind.PERIOD_END, "quarter", day(12, 9), Duration.ofHours(7), null));

    private final List<ExfiltrationAlert> alerts = List.of(
            alert("a1", "i1", "BULK_READ", "bkp_nightly", "coop.members", day(1, 2)), // warm-up noise
            alert("a2", "i2", "BULK_READ", "early", "coop.members", day(4, 10)), // warm-up, before S1
            alert("a3", "i3", "BULK_READ", "early", "coop.members", day(7, 11)), // after warm-up, on S1
            alert("a4", "i4", "BULK_READ", "nights", "coop.members", day(9, 1).plus(Duration.ofMinutes(4))),
            alert(
                    "a5",
                    "i4",
                    "READ_THEN_EGRESS",
                    "nights",
                    "coop.members",
                    day(9, 1).plus(Duration.ofMinutes(30))),
            alert("a6", "i5", "BULK_READ", "fresh", "coop.members", day(10, 13).plus(Duration.ofMinutes(2))),
            alert("a7", "i6", "BULK_READ", "owl", "coop.member_cards", day(12, 22)), // on a look-alike, any table
            alert("a8", "i7", "BULK_READ", "owl", "coop.members", day(13, 23)),
            alert("a9", "i8", "BULK_READ", "svc_loyalty", "coop.members", day(13, 3))); // ordinary false alert

    @Test
    void warmUpLeavesOutItsIncidentsAndItsAlertsButNotLaterAlertsOnItsIncidents() {
        EvaluationResult r = Evaluation.evaluate(truth, alerts, GRACE, SCORED_FROM);
        assertThat(r.warmupIncidents()).isEqualTo(1);
        assertThat(r.warmupDetections()).isEqualTo(2);
        assertThat(r.incidents()).extracting(o -> o.incident().scenarioId()).containsExactly("S2", "S3");
        assertThat(r.overall().recall()).isEqualTo(1.0);
        // nights, fresh, early (true: S1 is an incident even if it is not scored); owl on two days, svc_loyalty
        assertThat(r.alertingAccountDays()).isEqualTo(6);
        assertThat(r.falseAlertAccountDays()).isEqualTo(3);
        assertThat(r.accountDayPrecision()).isEqualTo(0.5);
    }

    @Test
    void withoutAWarmUpEverythingCounts() {
        EvaluationResult r = Evaluation.evaluate(truth, alerts, GRACE, null);
        assertThat(r.warmupIncidents()).isZero();
        assertThat(r.incidents()).hasSize(3);
        // bkp_nightly's day-1 alert is false; early's day-4 alert is before S1 started, so false as well
        assertThat(r.falseAlertAccountDays()).isEqualTo(5);
    }

    @Test
    void lookAlikesAreNoIncidentsAndTheirAlertsAreCountedAsFalseByKind() {
        EvaluationResult r = Evaluation.evaluate(truth, alerts, GRACE, SCORED_FROM);
        assertThat(r.perKind()).extracting(KindScore::kind).doesNotContain("LATE_SHIFT", "PERIOD_END");
        assertThat(r.lookalikes())
                .containsExactly(new LookalikeScore("LATE_SHIFT", 1, 1, 2), new LookalikeScore("PERIOD_END", 1, 0, 0));
        String text = r.renderReport("t");
        assertThat(text)
                .contains("LATE_SHIFT", "3 false: 2 on look-alikes, 1 on ordinary work", "scored from 2026-03-09");
    }

    @Test
    void escalationCountsOnlyIncidentsWithEgressMatchedByAnEgressAlert() {
        EvaluationResult r = Evaluation.evaluate(truth, alerts, GRACE, SCORED_FROM);
        KindScore night = r.perKind().stream()
                .filter(k -> k.kind().equals("NIGHT_READ"))
                .findFirst()
                .orElseThrow();
        KindScore fresh = r.perKind().stream()
                .filter(k -> k.kind().equals("FIRST_DAY_EGRESS"))
                .findFirst()
                .orElseThrow();
        assertThat(night.escalated()).isEqualTo(1);
        assertThat(fresh.withEgress()).isEqualTo(1);
        assertThat(fresh.escalated()).isZero();
        assertThat(night.ttdMedian()).isEqualTo(Duration.ofMinutes(4));
        assertThat(r.renderReport("t")).contains("1/1", "0/1");
    }

    @Test
    void summaryPoolsIncidentsOverRunsAndShowsTheSpreadOfRecall() {
        EvaluationResult all = Evaluation.evaluate(truth, alerts, GRACE, SCORED_FROM);
        EvaluationResult half = Evaluation.evaluate(
                truth,
                alerts.stream().filter(a -> !a.getAccount().equals("fresh")).toList(),
                GRACE,
                SCORED_FROM);
        String text = EvaluationSummary.render("two runs", List.of(all, half));
        String fresh = text.lines()
                .filter(l -> l.startsWith("FIRST_DAY_EGRESS"))
                .findFirst()
                .orElseThrow();
        assertThat(fresh.split("\\s+")).containsSubsequence("2", "2", "1", "50.0%", "0%-100%");
        String all2 = text.lines().filter(l -> l.startsWith("ALL")).findFirst().orElseThrow();
        assertThat(all2.split("\\s+")).containsSubsequence("2", "4", "3", "75.0%", "50%-100%");
        assertThat(text).contains("LATE_SHIFT", "per run: 50.0% (3 false), 40.0% (3 false)");
    }
}
