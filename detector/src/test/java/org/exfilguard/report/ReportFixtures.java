package org.exfilguard.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;
import org.exfilguard.testkit.TestEvents;

/** A small backtest's worth of alerts and reads: five quiet days of one analyst, then a member-table dump. */
final class ReportFixtures {

    static final Instant DUMP = Instant.parse("2026-03-06T10:30:00Z");
    static final SensitiveTables SENSITIVE = SensitiveTables.parse("coop.members,coop.member_cards");

    private ReportFixtures() {}

    static ExfiltrationAlert alert(
            String id, String incident, AlertStatus status, String account, Instant at, long rows) {
        return ExfiltrationAlert.newBuilder()
                .setAlertId(id)
                .setIncidentId(incident)
                .setStatus(status)
                .setKind(AlertKind.BULK_READ)
                .setSeverity(status == AlertStatus.OPENED ? Severity.CRITICAL : Severity.HIGH)
                .setScore(rows / 10_000.0)
                .setAccount(account)
                .setTable("coop.members")
                .setDetectedAt(at)
                .setWindow("15m")
                .setWindowStart(at.minus(Duration.ofMinutes(15)))
                .setWindowEnd(at)
                .setObservedRows(rows)
                .setBaselineRows(40.0)
                .setThresholdRows(10_000.0)
                .setBaselineMethod("personal-daily-peak")
                .setBaselineHistoryDays(4)
                .setReason(account + " read " + rows + " rows <of coop.members>")
                .setDetectorVersion("test")
                .build();
    }

    static List<ExfiltrationAlert> alerts() {
        return List.of(
                alert("alr-1", "inc-1", AlertStatus.OPENED, "jdoe", DUMP.plus(Duration.ofMinutes(4)), 400_000),
                alert("alr-2", "inc-1", AlertStatus.UPDATED, "jdoe", DUMP.plus(Duration.ofMinutes(20)), 1_200_000),
                alert("alr-3", "inc-1", AlertStatus.CLOSED, "jdoe", DUMP.plus(Duration.ofHours(3)), 1_200_000),
                alert(
                        "alr-4",
                        "inc-2",
                        AlertStatus.OPENED,
                        "<script>alert(1)</script>",
                        DUMP.plus(Duration.ofHours(5)),
                        50_000));
    }

    /** Quiet reads every half hour during working hours, then 1.2M rows in 100k chunks. */
    static VolumeSeries series(List<ExfiltrationAlert> alerts) {
        VolumeSeries series = new VolumeSeries(alerts, SENSITIVE);
        List<org.exfilguard.schema.DbAccessEvent> events = new ArrayList<>();
        for (Instant t = DUMP.minus(Duration.ofDays(4)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
                t.isBefore(DUMP.plus(Duration.ofDays(1)));
                t = t.plus(Duration.ofMinutes(30))) {
            int hour = t.atZone(java.time.ZoneOffset.UTC).getHour();
            if (hour >= 8 && hour < 18) {
                events.add(TestEvents.dbRead().account("jdoe").rows(20).at(t).build());
            }
        }
        for (int i = 0; i < 12; i++) {
            events.add(TestEvents.dbRead()
                    .account("jdoe")
                    .rows(100_000)
                    .at(DUMP.plus(Duration.ofMinutes(i * 2L)))
                    .build());
        }
        events.add(TestEvents.dbRead()
                .account("jdoe")
                .table("coop.orders")
                .rows(1_000_000)
                .at(DUMP)
                .build());
        events.forEach(series::accept);
        return series;
    }
}
