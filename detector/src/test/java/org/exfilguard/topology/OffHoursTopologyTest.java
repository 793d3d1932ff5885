package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.detect.Threshold;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads at hours the account never reads, judged against the table tier's off-hours floor (issue 15 items 1, 2). */
class OffHoursTopologyTest {

    private static final Instant DAY0 = DetectorTopologyTest.DAY0;
    private static final String CARDS = "coop.member_cards";

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    /** Pages of {@code page} card rows, evenly over {@code span} from {@code start}. */
    private static List<DbAccessEvent> pages(String account, Instant start, Duration span, long rows, long page) {
        List<DbAccessEvent> events = new ArrayList<>();
        long n = (rows + page - 1) / page;
        for (long i = 0; i < n; i++) {
            events.add(TestEvents.dbRead()
                    .account(account)
                    .clientIp("10.8.4.21")
                    .table(CARDS)
                    .fingerprint("select * from coop.member_cards where id > ? order by id limit ?")
                    .rows(Math.min(page, rows - i * page))
                    .at(start.plus(span.dividedBy(n).multipliedBy(i)))
                    .build());
        }
        return events;
    }

    @Test
    void aFewThousandCardRowsReadAtNightBelowTheBulkFloorAlertWithinMinutes() {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 1));
        // A Monday night: 2,000 card rows in pages of 100 over 40 minutes, every window far under its bulk floor.
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofMinutes(70));
        driver.pipe(pages("jdoe", start, Duration.ofMinutes(40), 2_000, 100));
        driver.endOfInput();

        List<ExfiltrationAlert> opened = driver.alerts().stream()
                .filter(a -> a.getStatus() == AlertStatus.OPENED)
                .toList();
        assertThat(opened).isNotEmpty();
        ExfiltrationAlert first = opened.get(0);
        assertThat(first.getAccount()).isEqualTo("jdoe");
        assertThat(first.getTable()).isEqualTo(CARDS);
        assertThat(first.getBaselineMethod()).isEqualTo(Threshold.OFF_HOURS);
        assertThat(first.getThresholdRows())
                .as("the bulk floor times the critical tier's off-hours factor")
                .isEqualTo(100.0);
        assertThat(first.getWindow()).isEqualTo("off-hours 1h");
        assertThat(first.getReason()).contains("norm is zero");
        assertThat(Duration.between(start, first.getDetectedAt())).isLessThanOrEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theSameReadInTheAccountsWorkingHoursStaysUnderTheFloors() {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 1));
        driver.pipe(pages(
                "jdoe", DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(11)), Duration.ofMinutes(40), 2_000, 100));
        driver.endOfInput();
        assertThat(driver.alerts()).isEmpty();
    }

    @Test
    void anAccountWithoutAWeekOfHistoryIsLeftToItsPeersNotToTheOffHoursRule() {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 3, 1));
        driver.pipe(pages(
                "jdoe",
                DAY0.plus(Duration.ofDays(3)).plus(Duration.ofMinutes(70)),
                Duration.ofMinutes(40),
                2_000,
                100));
        driver.endOfInput();
        assertThat(driver.alerts()).isEmpty();
    }

    /**
     * An analyst who moves to a late shift (15:00-23:00) for a week, reading a few hundred card rows an hour: the first
     * late evening alerts, since nothing tells it apart from a night-time extraction; from the second on, the new hours
     * are the account's own and nothing alerts.
     */
    @Test
    void anAnalystWhoStartsWorkingLateAlertsAtMostOnTheFirstLateDay() {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 1));
        for (int d = 14; d < 19; d++) {
            Instant day = DAY0.plus(Duration.ofDays(d));
            for (int h = 15; h < 23; h++) {
                driver.pipe(pages(
                        "jdoe", day.plus(Duration.ofHours(h)).plusSeconds(60L * d), Duration.ofMinutes(50), 300, 60));
            }
        }
        driver.endOfInput();

        // The late days also read ten times the analyst's usual daily rows, which the slow-drift rule reports on its
        // own (from the second day); the time-of-week rule is what this test is about.
        List<ExfiltrationAlert> opened = driver.alerts().stream()
                .filter(a -> a.getStatus() == AlertStatus.OPENED)
                .filter(a -> a.getKind() != org.exfilguard.schema.AlertKind.SLOW_DRIFT)
                .toList();
        assertThat(opened)
                .extracting(a -> Duration.between(DAY0, a.getDetectedAt()).toDays())
                .containsOnly(14L);
        assertThat(opened).hasSizeLessThanOrEqualTo(2);
    }
}
