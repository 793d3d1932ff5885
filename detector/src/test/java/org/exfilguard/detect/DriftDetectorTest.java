package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {

    /** A Monday. */
    static final Instant DAY0 = Instant.parse("2026-03-02T00:00:00Z");

    final DriftSettings settings = DriftSettings.defaults();
    final DriftDetector detector = new DriftDetector(settings);
    final DriftState state = new DriftState();
    final List<DriftVerdict> verdicts = new ArrayList<>();

    private void read(Instant at, long rows) {
        verdicts.addAll(detector.observe(state, at, rows, t -> "drift-" + t.toEpochMilli()));
    }

    private static boolean weekend(int day) {
        DayOfWeek d = DAY0.plus(Duration.ofDays(day)).atZone(ZoneOffset.UTC).getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    /** An analyst's ordinary working day: two or three member lookups of a few dozen rows. */
    private void ordinaryDay(int day, SplittableRandom rng) {
        if (weekend(day)) {
            return;
        }
        int lookups = rng.nextInt(4);
        for (int i = 0; i < lookups; i++) {
            read(
                    DAY0.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(9 * 60 + rng.nextInt(8 * 60))),
                    1 + rng.nextInt(50));
        }
    }

    /** {@code perHour} extra rows in three statements every working hour 09-17. */
    private void driftDay(int day, long perHour) {
        for (int hour = 9; hour < 17; hour++) {
            for (int k = 0; k < 3; k++) {
                read(
                        DAY0.plus(Duration.ofDays(day))
                                .plus(Duration.ofHours(hour))
                                .plus(Duration.ofMinutes(5 + 20L * k)),
                        perHour / 3);
            }
        }
    }

    private List<DriftVerdict> openings() {
        return verdicts.stream().filter(DriftVerdict::opened).toList();
    }

    @Test
    void noAlarmOnStationaryNoiseWithOccasionalReports() {
        SplittableRandom rng = new SplittableRandom(42);
        for (int day = 0; day < 120; day++) {
            ordinaryDay(day, rng);
            // Now and then a report joins the member table: one large read in one hour.
            if (!weekend(day) && rng.nextDouble() < 0.1) {
                read(DAY0.plus(Duration.ofDays(day)).plus(Duration.ofHours(11)), 5_000 + rng.nextInt(15_001));
            }
        }
        assertThat(verdicts).isEmpty();
    }

    @Test
    void noAlarmOnNoisyHighVolumeAccount() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int day = 0; day < 120; day++) {
            // A service account: every hour of every day, daily totals varying by about 10%.
            double level = 1 + 0.1 * rng.nextGaussian();
            for (int hour = 0; hour < 24; hour++) {
                read(DAY0.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)), Math.round(4_000 * level));
            }
        }
        assertThat(verdicts).isEmpty();
    }

    @Test
    void alarmsOnAStepOfAFewHundredRowsAnHourDuringItsSecondDay() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int day = 0; day < 15; day++) {
            ordinaryDay(day, rng);
        }
        // Tuesday and Wednesday of the third week.
        driftDay(15, 200);
        assertThat(verdicts).isEmpty();
        driftDay(16, 200);

        assertThat(openings()).hasSize(1);
        DriftVerdict v = openings().get(0);
        Instant secondDay = DAY0.plus(Duration.ofDays(16));
        assertThat(v.at()).isAfter(secondDay).isBefore(secondDay.plus(Duration.ofHours(17)));
        assertThat(v.since())
                .isEqualTo(
                        DAY0.plus(Duration.ofDays(15)).plus(Duration.ofHours(9)).plus(Duration.ofMinutes(5)));
        assertThat(v.days()).isEqualTo(2);
        assertThat(v.norm()).isLessThan(100);
        assertThat(v.shift()).isEqualTo(500);
        assertThat(v.cusum()).isGreaterThanOrEqualTo(v.alarm());
        assertThat(state.incidentId()).isEqualTo(v.incidentId());
    }

    @Test
    void oneLargeDaySpreadOverHoursDoesNotAlarmAlone() {
        SplittableRandom rng = new SplittableRandom(2);
        for (int day = 0; day < 15; day++) {
            ordinaryDay(day, rng);
        }
        driftDay(15, 6_000);
        for (int day = 16; day < 30; day++) {
            ordinaryDay(day, rng);
        }
        assertThat(verdicts).isEmpty();
    }

    @Test
    void aWeekendDoesNotEraseADriftThatStartedOnFriday() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int day = 0; day < 11; day++) {
            ordinaryDay(day, rng);
        }
        driftDay(11, 200); // Friday
        driftDay(14, 200); // Monday
        assertThat(openings()).hasSize(1);
        assertThat(openings().get(0).at()).isBetween(DAY0.plus(Duration.ofDays(14)), DAY0.plus(Duration.ofDays(15)));
    }

    @Test
    void learnsBeforeJudging() {
        for (int day = 0; day < settings.minHistoryDays() - 1; day++) {
            driftDay(day, day < 2 ? 10 : 900);
        }
        assertThat(verdicts).isEmpty();
    }

    @Test
    void aLargeAccountNeedsARelativeGrowth() {
        for (int day = 0; day < 14; day++) {
            driftDay(day, 30_000);
        }
        // 10% more is ordinary growth, not a drift.
        for (int day = 14; day < 17; day++) {
            driftDay(day, 33_000);
        }
        assertThat(openings()).isEmpty();
        // 60% more, two days running, is.
        driftDay(17, 48_000);
        driftDay(18, 48_000);
        assertThat(openings()).hasSize(1);
        assertThat(openings().get(0).shift()).isGreaterThan(0.25 * 240_000 - 1);
    }

    @Test
    void closesWhenTheReadsAreBackToTheirNorm() {
        SplittableRandom rng = new SplittableRandom(4);
        for (int day = 0; day < 15; day++) {
            ordinaryDay(day, rng);
        }
        for (int day = 15; day < 18; day++) {
            driftDay(day, 300);
        }
        assertThat(openings()).hasSize(1);
        for (int day = 18; day < 32; day++) {
            read(DAY0.plus(Duration.ofDays(day)).plus(Duration.ofHours(10)), 20);
        }
        List<DriftVerdict> closes = verdicts.stream().filter(v -> !v.opened()).toList();
        assertThat(closes).hasSize(1);
        assertThat(closes.get(0).incidentId()).isEqualTo(openings().get(0).incidentId());
        assertThat(closes.get(0).at()).isBefore(DAY0.plus(Duration.ofDays(24)));
        assertThat(state.incidentOpen()).isFalse();
    }

    @Test
    void anOpenDriftStaysOutOfTheNorm() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int day = 0; day < 15; day++) {
            ordinaryDay(day, rng);
        }
        double before = detector.norm(state).typical();
        for (int day = 15; day < 25; day++) {
            driftDay(day, 300);
        }
        assertThat(state.incidentOpen()).isTrue();
        assertThat(detector.norm(state).typical()).isEqualTo(before);
    }

    @Test
    void doesNotOpenWhenTheCallerForbidsIt() {
        SplittableRandom rng = new SplittableRandom(6);
        for (int day = 0; day < 15; day++) {
            ordinaryDay(day, rng);
        }
        for (int day = 15; day < 17; day++) {
            for (int hour = 9; hour < 17; hour++) {
                assertThat(detector.observe(
                                state, DAY0.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)), 300, null))
                        .isEmpty();
            }
        }
        assertThat(state.incidentOpen()).isFalse();
    }
}
