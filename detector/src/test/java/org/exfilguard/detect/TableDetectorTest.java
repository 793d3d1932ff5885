package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.exfilguard.profile.TableProfile;
import org.junit.jupiter.api.Test;

class TableDetectorTest {

    private final TableSettings settings = TableSettings.defaults();
    private final TableDetector detector = new TableDetector(settings);
    /** 2026-03-02T14:00Z in epoch minutes. */
    private static final long DAY0_14H = Duration.ofDays(20514).toMinutes() + 14 * 60;

    @Test
    void accountsThatDominateTheWindowAreTakenOutOneAfterAnother() {
        TableDetector.Breadth b =
                TableDetector.breadth(Map.of("dump", 1_000L, "job", 300L, "a", 10L, "b", 10L, "c", 10L));

        assertThat(b.volume()).isEqualTo(30);
        assertThat(b.accounts()).extracting(Map.Entry::getKey).containsExactly("a", "b", "c");
    }

    @Test
    void accountsOfComparableVolumeAllCount() {
        TableDetector.Breadth b = TableDetector.breadth(Map.of("x", 100L, "y", 100L, "z", 5L));

        assertThat(b.volume()).isEqualTo(205);
    }

    @Test
    void theSustainedVolumeIsTheWindowTimesItsMedianMinute() {
        TableProfile p = new TableProfile("coop.members", java.time.ZoneOffset.UTC, 1, 28);
        // One large report in one minute, a steady 100 rows a minute from two others.
        for (int m = 0; m < 15; m++) {
            p.addMinute(DAY0_14H + m, m == 3 ? Map.of("a", 50L, "b", 50L, "r", 90L) : Map.of("a", 50L, "b", 50L), 15);
        }

        TableDetector.Breadth b = TableDetector.sustained(p, DAY0_14H + 14, 15);

        assertThat(b.volume()).isEqualTo(15 * 100);
        assertThat(b.accounts()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("a", "b", "r");
    }

    @Test
    void learnsEachHourBeforeItAlertsAndAlertsAboveThatHoursNorm() {
        TableProfile p = new TableProfile("coop.members", java.time.ZoneOffset.UTC, 1, 28);
        for (int day = 0; day < settings.minHistoryDays(); day++) {
            long start = DAY0_14H + day * 1440L;
            for (int m = 0; m < 60; m++) {
                List<TableDetector.Verdict> v = detector.observe(p, start + m, Map.of("a", 300L, "b", 300L, "c", 300L));
                assertThat(v)
                        .singleElement()
                        .satisfies(x -> assertThat(x.alerting()).isFalse());
            }
        }
        long surge = DAY0_14H + settings.minHistoryDays() * 1440L;
        TableDetector.Verdict last = null;
        for (int m = 0; m < 15; m++) {
            last = detector.observe(
                            p,
                            surge + m,
                            Map.of("a", 300L, "b", 300L, "c", 300L, "d", 300L, "e", 300L, "f", 300L, "g", 300L))
                    .get(0);
        }

        assertThat(last.alerting()).isTrue();
        assertThat(last.threshold()).isEqualTo(2.0 * 15 * 900);
        assertThat(last.contributors())
                .extracting(TableDetector.Share::account)
                .containsExactly("a", "b", "c", "d", "e", "f", "g");
    }

    @Test
    void aWeekendHourIsJudgedAgainstWeekendsNotWorkingDays() {
        TableProfile p = new TableProfile("coop.members", java.time.ZoneOffset.UTC, 1, 28);
        // Monday to Friday, 14:00: three accounts read the table; on Saturday at 14:00 seven do.
        for (int day = 0; day < 5; day++) {
            long start = DAY0_14H + day * 1440L;
            for (int m = 0; m < 60; m++) {
                detector.observe(p, start + m, Map.of("a", 300L, "b", 300L, "c", 300L));
            }
        }
        long saturday = DAY0_14H + 5 * 1440L;
        TableDetector.Verdict last = null;
        for (int m = 0; m < 15; m++) {
            last = detector.observe(
                            p,
                            saturday + m,
                            Map.of("a", 300L, "b", 300L, "c", 300L, "d", 300L, "e", 300L, "f", 300L, "g", 300L))
                    .get(0);
        }

        // Saturday 14:00 has no history of its own yet: it learns, it does not borrow the working days' norm.
        assertThat(TableProfile.slot(Math.floorDiv(saturday, 60), java.time.ZoneOffset.UTC))
                .isEqualTo(24 + 14);
        assertThat(last.historyDays()).isZero();
        assertThat(last.alerting()).isFalse();
    }
}
