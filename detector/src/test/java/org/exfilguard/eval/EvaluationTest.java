package org.exfilguard.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

class EvaluationTest {
    private static final Instant T0 = Instant.parse("2026-03-10T10:00:00Z");

    private static TruthEntry incident(String id, ScenarioKind kind, String account, Instant start, Duration length) {
        return new TruthEntry(
                id, kind, account, "coop.members", start, start.plus(length), "10.20.1.10", null, 1_000_000);
    }

    private static ExfiltrationAlert alert(String id, String incident, String account, String table, Instant at) {
        return alert(id, incident, account, table, at, "OPENED", false);
    }

    private static ExfiltrationAlert alert(
            String id, String incident, String account, String table, Instant at, String status, boolean suppressed) {
        return ExfiltrationAlert.newBuilder()
                .setAlertId(id)
                .setIncidentId(incident)
                .setStatus(AlertStatus.valueOf(status))
                .setKind(AlertKind.BULK_READ)
                .setSeverity(Severity.HIGH)
                .setScore(2.0)
                .setAccount(account)
                .setTable(table)
                .setDetectedAt(at)
                .setWindowStart(at.minus(Duration.ofMinutes(15)))
                .setWindowEnd(at)
                .setObservedRows(500_000)
                .setBaselineRows(1_000)
                .setBaselineMethod("personal-daily-peak")
                .setBaselineHistoryDays(28)
                .setReason("test")
                .setSuppressed(suppressed)
                .setDetectorVersion("test")
                .build();
    }

    private final List<TruthEntry> truth = List.of(
            incident("S1", ScenarioKind.SMASH_AND_GRAB, "jdoe", T0, Duration.ofMinutes(20)),
            incident("S2", ScenarioKind.SMASH_AND_GRAB, "asmith", T0.plus(Duration.ofDays(1)), Duration.ofMinutes(30)),
            incident("S3", ScenarioKind.OFF_HOURS, "bjones", T0.plus(Duration.ofDays(2)), Duration.ofMinutes(20)),
            incident("S4", ScenarioKind.LOW_AND_SLOW, "cpatel", T0.plus(Duration.ofDays(3)), Duration.ofDays(3)));

    @Test
    void computesRecallPrecisionAndTimeToDetect() {
        List<ExfiltrationAlert> alerts = List.of(
                // S1 detected after 4 minutes, then updated twice (same incident id)
                alert("a1", "i1", "jdoe", "coop.members", T0.plus(Duration.ofMinutes(4))),
                alert("a2", "i1", "jdoe", "coop.members", T0.plus(Duration.ofMinutes(10)), "UPDATED", false),
                alert("a3", "i1", "jdoe", "coop.members", T0.plus(Duration.ofHours(5)), "UPDATED", false),
                // S2 detected through the across-tables profile after 10 minutes
                alert("a4", "i2", "asmith", "*", T0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(10))),
                // S3: wrong table, so not a detection of it
                alert(
                        "a5",
                        "i3",
                        "bjones",
                        "coop.orders",
                        T0.plus(Duration.ofDays(2)).plus(Duration.ofMinutes(5))),
                // S4 detected on its third day, within [start, end]
                alert("a6", "i4", "cpatel", "coop.members", T0.plus(Duration.ofDays(5))),
                // a false alert on a backup job, two records the same day
                alert("a7", "i5", "bkp_nightly", "coop.members", T0.plus(Duration.ofHours(16))),
                alert("a8", "i5", "bkp_nightly", "coop.members", T0.plus(Duration.ofHours(17)), "UPDATED", false),
                // suppressed, though it matches S3: counted apart, never a detection
                alert(
                        "a9",
                        "i6",
                        "bjones",
                        "coop.members",
                        T0.plus(Duration.ofDays(2)).plus(Duration.ofMinutes(6)),
                        "OPENED",
                        true),
                alert("a10", "i1", "jdoe", "coop.members", T0.plus(Duration.ofHours(9)), "CLOSED", false));

        EvaluationResult r = Evaluation.evaluate(truth, alerts, Duration.ofHours(2));

        assertThat(r.overall().incidents()).isEqualTo(4);
        assertThat(r.overall().detected()).isEqualTo(3);
        assertThat(r.overall().recall()).isEqualTo(0.75);
        KindScore smash = r.perKind().stream()
                .filter(k -> k.kind().equals("SMASH_AND_GRAB"))
                .findFirst()
                .orElseThrow();
        assertThat(smash.recall()).isEqualTo(1.0);
        assertThat(smash.ttdMedian()).isEqualTo(Duration.ofMinutes(7));
        assertThat(smash.ttdMax()).isEqualTo(Duration.ofMinutes(10));
        KindScore offHours = r.perKind().stream()
                .filter(k -> k.kind().equals("OFF_HOURS"))
                .findFirst()
                .orElseThrow();
        assertThat(offHours.detected()).isZero();
        assertThat(offHours.ttdMedian()).isNull();
        assertThat(r.overall().ttdMax()).isEqualTo(Duration.ofDays(2));
        assertThat(r.overall().ttdMedian()).isEqualTo(Duration.ofMinutes(10));

        assertThat(r.alertRecords()).isEqualTo(10);
        assertThat(r.suppressedRecords()).isEqualTo(1);
        assertThat(r.suppressedMatchingTruth()).isEqualTo(1);
        assertThat(r.closedRecords()).isEqualTo(1);
        assertThat(r.detectionRecords()).isEqualTo(8);
        // a1, a2, a4, a6 match directly; a3 (after end + grace) through its incident id; a5, a7, a8 do not
        assertThat(r.matchedRecords()).isEqualTo(5);
        assertThat(r.recordPrecision()).isEqualTo(5.0 / 8);
        // account-days: jdoe 10th, asmith 11th, bjones 12th (false), cpatel 15th, bkp_nightly 11th (false, 02:00 and
        // 03:00)
        assertThat(r.alertingAccountDays()).isEqualTo(5);
        assertThat(r.falseAlertAccountDays()).isEqualTo(2);
        assertThat(r.accountDayPrecision()).isEqualTo(3.0 / 5);
        assertThat(r.f1()).isCloseTo(2 * 0.6 * 0.75 / (0.6 + 0.75), within(1e-9));
        assertThat(r.incidents())
                .filteredOn(IncidentOutcome::detected)
                .extracting(IncidentOutcome::firstAlertId)
                .containsExactly("a1", "a4", "a6");
    }

    @Test
    void alertsBeforeTheStartOrAfterTheGraceDoNotDetect() {
        List<ExfiltrationAlert> alerts = List.of(
                alert("early", "x", "jdoe", "coop.members", T0.minusSeconds(1)),
                alert(
                        "late",
                        "y",
                        "jdoe",
                        "coop.members",
                        T0.plus(Duration.ofMinutes(20))
                                .plus(Duration.ofHours(2))
                                .plusSeconds(1)));
        EvaluationResult r = Evaluation.evaluate(truth.subList(0, 1), alerts, Duration.ofHours(2));
        assertThat(r.overall().recall()).isZero();
        assertThat(r.recordPrecision()).isZero();
        assertThat(r.f1()).isZero();
    }

    @Test
    void noAlertsMeansZeroRecallAndUndefinedPrecision() {
        EvaluationResult r = Evaluation.evaluate(truth, List.of());
        assertThat(r.overall().recall()).isZero();
        assertThat(r.accountDayPrecision()).isNaN();
        assertThat(r.f1()).isZero();
        assertThat(r.render("empty")).contains("ALL", "F1", "0.000");
    }

    @Test
    void renderShowsOneRowPerKindAndTheOverallLine() {
        List<ExfiltrationAlert> alerts =
                List.of(alert("a1", "i1", "jdoe", "coop.members", T0.plus(Duration.ofSeconds(95))));
        String text = Evaluation.evaluate(truth, alerts).render("title");
        assertThat(text).contains("SMASH_AND_GRAB", "OFF_HOURS", "LOW_AND_SLOW", "1m35s", "25.0%");
        assertThat(text.lines().filter(l -> l.startsWith("ALL"))).hasSize(1);
    }

    @Test
    void alertFileReadsTheDetectorsJsonAndRejectsBadLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ExfiltrationAlert a = alert("a1", "i1", "jdoe", "*", T0);
        java.nio.file.Path f = dir.resolve("alerts.jsonl");
        java.io.StringWriter written = new java.io.StringWriter();
        AlertFile.write(written, List.of(a));
        java.nio.file.Files.writeString(
                f,
                written + "not json\n{\"account\":\"x\"}\n"
                        + written.toString().replace("\"2026-03-10T10:00:00Z\"", "1773136800000"));
        AlertFile read = AlertFile.read(f);
        assertThat(read.alerts()).containsExactly(a, a);
        assertThat(read.rejects()).hasSize(2);
        assertThat(read.rejects().get(0)).contains(":2:", "not valid JSON");
        assertThat(read.rejects().get(1)).contains(":3:", "field 'alert_id'", "missing");
    }
}
