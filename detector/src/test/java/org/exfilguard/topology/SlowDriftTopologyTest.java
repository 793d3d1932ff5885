package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow drifts through the whole topology: a few hundred extra rows an hour, every working hour, each window far
 * below its floor, alert within two working days; the same volume moved to late hours does not.
 */
class SlowDriftTopologyTest {

    /** A Monday; the drift starts two weeks later, on a Monday. */
    static final Instant DAY0 = DetectorTopologyTest.DAY0;

    static final int DRIFT_DAY = 14;
    static final String MEMBERS = "coop.members";

    private final DetectorDriver driver = DetectorDriver.withDefaults();
    private final List<DbAccessEvent> reads = new ArrayList<>();

    @AfterEach
    void close() {
        driver.close();
    }

    private static boolean weekend(int day) {
        DayOfWeek d = DAY0.plus(Duration.ofDays(day)).atZone(ZoneOffset.UTC).getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    private void read(String account, int day, double hour, long rows) {
        read(account, MEMBERS, day, hour, rows);
    }

    private void read(String account, String table, int day, double hour, long rows) {
        reads.add(TestEvents.dbRead()
                .account(account)
                .table(table)
                .clientIp("10.20.1.14")
                .rows(rows)
                .bytes(rows * 150)
                .fingerprint("select * from coop.members where id = ?")
                .at(DAY0.plus(Duration.ofDays(day)).plusSeconds(Math.round(hour * 3600)))
                .build());
    }

    /** A few member lookups of a few dozen rows on each working day. */
    private void lookups(String account, int from, int to, SplittableRandom rng) {
        for (int day = from; day < to; day++) {
            if (weekend(day)) {
                continue;
            }
            for (int i = rng.nextInt(4); i > 0; i--) {
                read(
                        account,
                        rng.nextInt(3) == 0 ? "coop.member_cards" : MEMBERS,
                        day,
                        9 + rng.nextDouble() * 8,
                        1 + rng.nextInt(50));
            }
        }
    }

    /** {@code perHour} rows in three statements in each hour from {@code start} for {@code hours} hours of working days. */
    private void hourly(String account, int from, int to, double start, int hours, long perHour) {
        for (int day = from; day < to; day++) {
            if (weekend(day)) {
                continue;
            }
            for (int h = 0; h < hours; h++) {
                for (int k = 0; k < 3; k++) {
                    read(account, day, start + h + 0.1 + 0.3 * k, perHour / 3);
                }
            }
        }
    }

    private List<ExfiltrationAlert> run() {
        reads.sort(Comparator.comparing(DbAccessEvent::getEventTime));
        driver.pipe(reads);
        driver.endOfInput();
        return driver.alerts();
    }

    @Test
    void aDriftOfAFewHundredRowsAnHourAlertsWithinTwoWorkingDays() {
        SplittableRandom rng = new SplittableRandom(15);
        lookups("dnguyen", 0, DRIFT_DAY + 21, rng);
        hourly("dnguyen", DRIFT_DAY, DRIFT_DAY + 5, 9, 8, 300);

        List<ExfiltrationAlert> all = run();
        List<ExfiltrationAlert> drifts =
                all.stream().filter(a -> a.getKind() == AlertKind.SLOW_DRIFT).toList();

        // One drift, one incident: the account's all-tables scope does not open a second one (its card lookups
        // included).
        List<ExfiltrationAlert> opened =
                drifts.stream().filter(a -> a.getStatus() == AlertStatus.OPENED).toList();
        assertThat(opened).hasSize(1);
        ExfiltrationAlert alert = opened.get(0);
        assertThat(alert.getAccount()).isEqualTo("dnguyen");
        assertThat(alert.getTable()).isEqualTo(MEMBERS);
        Instant start = DAY0.plus(Duration.ofDays(DRIFT_DAY)).plus(Duration.ofHours(9));
        assertThat(alert.getDetectedAt())
                .isAfter(start)
                .isBefore(start.plus(Duration.ofDays(1)).plus(Duration.ofHours(8)));
        assertThat(alert.getFirstSeen()).isBetween(start, start.plus(Duration.ofHours(1)));
        assertThat(alert.getWindow()).isEqualTo("drift");
        assertThat(alert.getBaselineRows()).isLessThan(100);
        assertThat(alert.getObservedRows()).isGreaterThan(2_400);
        assertThat(alert.getReason())
                .contains("dnguyen", "coop.members", "norm", "rows a day", "since " + alert.getFirstSeen());
        // Each window stayed far below its floor: the drift is the only alert.
        assertThat(all).isEqualTo(drifts);
        // The incident closes once the reads are back to normal.
        assertThat(drifts).anySatisfy(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.CLOSED);
            assertThat(a.getIncidentId()).isEqualTo(alert.getIncidentId());
        });
    }

    @Test
    void anAnalystWhoMovesTheSameWorkToLateHoursDoesNotDrift() {
        // Two weeks of 300 rows an hour in office hours, then a week of the same at 17:00-01:00.
        hourly("tevans", 0, DRIFT_DAY, 9, 8, 300);
        hourly("tevans", DRIFT_DAY, DRIFT_DAY + 5, 17, 8, 300);
        hourly("tevans", DRIFT_DAY + 7, DRIFT_DAY + 12, 9, 8, 300);

        assertThat(run()).noneMatch(a -> a.getKind() == AlertKind.SLOW_DRIFT);
    }

    @Test
    void driftRecordsRenderForSiems() {
        SplittableRandom rng = new SplittableRandom(16);
        lookups("kkhan", 0, DRIFT_DAY + 2, rng);
        hourly("kkhan", DRIFT_DAY, DRIFT_DAY + 2, 9, 8, 400);

        assertThat(run()).anyMatch(a -> a.getKind() == AlertKind.SLOW_DRIFT);
        assertThat(driver.alertsJson()).anyMatch(j -> j.contains("Slow Drift") && j.contains("SLOW_DRIFT"));
        assertThat(driver.alertsEcs()).anyMatch(j -> j.contains("SLOW_DRIFT"));
    }
}
