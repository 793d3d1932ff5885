package org.exfilguard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.Contributor;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.sim.ScenarioKind;
import org.exfilguard.sim.TruthEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A table incident (account '*') is credited to the accounts it names, and is one alerting account-day. */
class TableIncidentEvaluationTest {

    private static final Instant T0 = Instant.parse("2026-03-16T15:00:00Z");

    private static TruthEntry entry(String account, ScenarioKind kind) {
        return new TruthEntry(
                "S20-" + kind + "-" + account,
                kind,
                account,
                "coop.members",
                T0,
                T0.plus(Duration.ofMinutes(80)),
                "10.20.1.10",
                null,
                kind.benign() ? 0 : 20_000);
    }

    private static ExfiltrationAlert tableAlert(AlertStatus status, Instant at, List<String> contributors) {
        return ExfiltrationAlert.newBuilder()
                .setAlertId("alr-" + status)
                .setIncidentId("inc-t")
                .setStatus(status)
                .setKind(AlertKind.TABLE_SURGE)
                .setSeverity(Severity.LOW)
                .setScore(1.2)
                .setAccount("*")
                .setTable("coop.members")
                .setDetectedAt(at)
                .setWindowStart(at.minus(Duration.ofMinutes(15)))
                .setWindowEnd(at)
                .setObservedRows(20_000)
                .setBaselineRows(7_000)
                .setBaselineMethod("table-hour-of-week")
                .setBaselineHistoryDays(7)
                .setReason("surge")
                .setDetectorVersion("test")
                .setContributors(contributors.stream()
                        .map(c -> new Contributor(c, 1_000L, 1.0 / contributors.size()))
                        .toList())
                .build();
    }

    @Test
    void aTableIncidentDetectsEveryAccountItNamesAsOneAccountDay() {
        List<TruthEntry> truth = List.of(
                entry("a", ScenarioKind.CONCURRENT_READERS),
                entry("b", ScenarioKind.CONCURRENT_READERS),
                entry("c", ScenarioKind.CONCURRENT_READERS));
        Instant at = T0.plus(Duration.ofMinutes(8));

        EvaluationResult r =
                Evaluation.evaluate(truth, List.of(tableAlert(AlertStatus.OPENED, at, List.of("a", "b", "svc"))));

        assertThat(r.incidents())
                .filteredOn(IncidentOutcome::detected)
                .hasSize(2)
                .allSatisfy(o -> assertThat(o.timeToDetect()).isEqualTo(Duration.ofMinutes(8)));
        assertThat(r.alertingAccountDays()).isEqualTo(1);
        assertThat(r.falseAlertAccountDays()).isZero();
    }

    @Test
    void aTableIncidentNamingLookalikeAccountsIsAFalseAlertOnThem() {
        List<TruthEntry> truth = List.of(entry("p1", ScenarioKind.PERIOD_END), entry("p2", ScenarioKind.PERIOD_END));

        EvaluationResult r = Evaluation.evaluate(
                truth, List.of(tableAlert(AlertStatus.OPENED, T0.plus(Duration.ofHours(1)), List.of("p1"))));

        assertThat(r.lookalikes())
                .singleElement()
                .satisfies(l -> assertThat(l.alerted()).isEqualTo(1));
        assertThat(r.falseAlertAccountDays()).isEqualTo(1);
    }

    @Test
    void contributorsSurviveTheAlertFile(@TempDir Path dir) throws Exception {
        ExfiltrationAlert a = tableAlert(AlertStatus.OPENED, T0, List.of("a", "b"));
        Path file = dir.resolve("alerts.jsonl");
        Files.writeString(file, JsonRecords.toJson(a) + "\n");

        ExfiltrationAlert read = AlertFile.read(file).alerts().get(0);

        assertThat(read.getContributors()).extracting(Contributor::getAccount).containsExactly("a", "b");
        assertThat(Evaluation.names(read, "b")).isTrue();
        assertThat(Evaluation.names(read, "c")).isFalse();
    }
}
