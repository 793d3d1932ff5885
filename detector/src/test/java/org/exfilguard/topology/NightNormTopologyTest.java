package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.detect.Threshold;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/**
 * The night norm (issue 15): a service account that reads round the clock, lightly at night, is judged at night against
 * its own night peaks, so a dump far above its night load but below its afternoon peaks alerts within minutes.
 */
class NightNormTopologyTest {

    private static final Instant DAY0 = DetectorTopologyTest.DAY0;
    private static final String SERVICE = "svc_orders";
    private static final String IP = "10.10.1.40";
    /** Member rows in the service's busiest hour of an ordinary working day. */
    private static final long PEAK_HOUR_ROWS = 24_000;

    /** Load over the day: a night floor of 15% and a broad afternoon peak (as the simulator's service accounts). */
    private static double diurnal(double hour) {
        double z = (hour - 14) / 4.5;
        return 0.15 + 0.85 * Math.exp(-z * z);
    }

    /**
     * {@code days} of the service's ordinary load from {@code DAY0}: six reads an hour, each hour's rows following the
     * diurnal shape, three quarters of it at weekends, two and a half times it on every ninth day (a surge), and
     * 20% either way at random.
     */
    private static List<DbAccessEvent> serviceDays(int fromDay, int toDay, long seed) {
        Random random = new Random(seed);
        List<DbAccessEvent> events = new ArrayList<>();
        for (int d = fromDay; d < toDay; d++) {
            double day = (d % 7 >= 5 ? 0.75 : 1.0) * (d % 9 == 4 ? 2.5 : 1.0);
            for (int h = 0; h < 24; h++) {
                double hourRows = PEAK_HOUR_ROWS * diurnal(h + 0.5) * day;
                for (int k = 0; k < 6; k++) {
                    Instant at = DAY0.plus(Duration.ofDays(d))
                            .plus(Duration.ofHours(h))
                            .plus(Duration.ofMinutes(10L * k + random.nextInt(10)));
                    long rows = Math.round(hourRows / 6 * (0.8 + 0.4 * random.nextDouble()));
                    events.add(read(SERVICE, IP, at, rows, "select * from coop.members where id = ?"));
                }
            }
        }
        return events;
    }

    private static DbAccessEvent read(String account, String ip, Instant at, long rows, String fingerprint) {
        return TestEvents.dbRead()
                .account(account)
                .clientIp(ip)
                .rows(rows)
                .fingerprint(fingerprint)
                .at(at)
                .build();
    }

    /** {@code rows} in reads of 500 spread evenly over {@code span} from {@code start}. */
    private static List<DbAccessEvent> dump(Instant start, Duration span, long rows) {
        List<DbAccessEvent> events = new ArrayList<>();
        long n = rows / 500;
        for (long i = 0; i < n; i++) {
            events.add(read(
                    SERVICE,
                    IP,
                    start.plus(span.dividedBy(n).multipliedBy(i)),
                    500,
                    "select * from coop.members where id > ? limit ?"));
        }
        return events;
    }

    /**
     * Alerts opened from {@code fromDay} on: a service reads more in a day than the cold-start floor of the 1d window,
     * which alerts on its first day before it has a history (as every new account of its size does).
     */
    private static List<ExfiltrationAlert> opened(DetectorDriver driver, int fromDay) {
        Instant from = DAY0.plus(Duration.ofDays(fromDay));
        return driver.alerts().stream()
                .filter(a -> a.getStatus() == AlertStatus.OPENED)
                .filter(a -> !a.getDetectedAt().isBefore(from))
                .toList();
    }

    /** Two weeks of ordinary load, then a Monday night: 20,000 rows in five minutes from 02:10. */
    private static List<ExfiltrationAlert> nightDump(DetectorDriver driver) {
        driver.pipe(serviceDays(0, 14, 7));
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofMinutes(130));
        List<DbAccessEvent> night = new ArrayList<>(serviceDays(14, 15, 8));
        night.addAll(dump(start, Duration.ofMinutes(5), 20_000));
        night.sort(java.util.Comparator.comparing(DbAccessEvent::getEventTime));
        driver.pipe(night);
        driver.endOfInput();
        return opened(driver, 14);
    }

    @Test
    void aNightDumpBelowTheAfternoonPeakButFarAboveTheNightNormAlertsWithinFiveMinutes() {
        // The dump is about six times the service's 1h night load and four times its 15m night load (floors aside), a
        // fraction of an afternoon hour's 24,000 rows and far below its daily thresholds.
        List<ExfiltrationAlert> opened;
        try (DetectorDriver driver = DetectorDriver.withDefaults()) {
            opened = nightDump(driver);
        }
        assertThat(opened).isNotEmpty();
        ExfiltrationAlert first = opened.get(0);
        assertThat(first.getAccount()).isEqualTo(SERVICE);
        assertThat(first.getBaselineMethod()).isEqualTo(Threshold.NIGHT);
        assertThat(first.getBaselineHistoryDays()).as("nights of history").isGreaterThanOrEqualTo(7);
        assertThat(first.getReason()).contains("judged against its nights");
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofMinutes(130));
        assertThat(Duration.between(start, first.getDetectedAt())).isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(first.getThresholdRows())
                .as("the window's night floor still applies: half the daytime one by default")
                .isGreaterThanOrEqualTo(5_000.0);
    }

    @Test
    void withTheDaytimeFloorsTheSameDumpAlertsOnlyOnceItReachesThem() {
        try (DetectorDriver driver = DetectorDriver.builder()
                .withConfig(ExfilguardConfig.NIGHT_NORM_FLOOR_FACTOR, "1.0")
                .build()) {
            List<ExfiltrationAlert> opened = nightDump(driver);
            assertThat(opened).isNotEmpty();
            assertThat(opened.get(0).getBaselineMethod()).isEqualTo(Threshold.NIGHT);
            assertThat(opened.get(0).getThresholdRows()).isGreaterThanOrEqualTo(10_000.0);
            assertThat(opened.get(0).getObservedRows()).isGreaterThanOrEqualTo(10_000L);
        }
    }

    @Test
    void withTheNightNormOffTheSameDumpStaysBelowTheDailyThresholds() {
        try (DetectorDriver driver = DetectorDriver.builder()
                .withConfig(ExfilguardConfig.NIGHT_NORM_BAND, "")
                .build()) {
            assertThat(nightDump(driver)).isEmpty();
        }
    }

    @Test
    void theServicesOrdinaryNightsSurgesAndWeekendsDoNotAlert() {
        try (DetectorDriver driver = DetectorDriver.withDefaults()) {
            driver.pipe(serviceDays(0, 28, 11));
            driver.endOfInput();
            assertThat(opened(driver, 7)).isEmpty();
        }
    }

    /**
     * An analyst who reads up to 9,000 member rows an hour in the day, then works 18:00-02:00 for two and a half weeks with the
     * same load. The night norm waits for seven nights with reads; from the eighth on, the analyst's own late nights are
     * its night norm, and the same load stays under it: whatever alerts (the off-hours rule on the first late evening)
     * is what alerts with the night norm off.
     */
    @Test
    void anAnalystWhoStartsWorkingLateAlertsNoMoreThanWithoutTheNightNorm() {
        List<DbAccessEvent> events = new ArrayList<>();
        Random random = new Random(3);
        for (int d = 0; d < 31; d++) {
            if (d % 7 >= 5) {
                continue;
            }
            int startHour = d < 14 ? 9 : 18;
            for (int h = 0; h < 8; h++) {
                for (int k = 0; k < 4; k++) {
                    Instant at = DAY0.plus(Duration.ofDays(d))
                            .plus(Duration.ofHours(startHour + h))
                            .plus(Duration.ofMinutes(15L * k + random.nextInt(15)));
                    events.add(
                            read("jdoe", "10.8.4.21", at, 500 + random.nextInt(1_800), "select * from coop.members"));
                }
            }
        }
        List<String> withNorm;
        List<String> without;
        try (DetectorDriver driver = DetectorDriver.withDefaults()) {
            driver.pipe(events).endOfInput();
            withNorm = opened(driver, 0).stream()
                    .map(NightNormTopologyTest::describe)
                    .toList();
            assertThat(opened(driver, 0)).noneMatch(a -> Threshold.NIGHT.equals(a.getBaselineMethod()));
        }
        try (DetectorDriver driver = DetectorDriver.builder()
                .withConfig(ExfilguardConfig.NIGHT_NORM_BAND, "")
                .build()) {
            driver.pipe(events).endOfInput();
            without = opened(driver, 0).stream()
                    .map(NightNormTopologyTest::describe)
                    .toList();
        }
        assertThat(withNorm).isEqualTo(without);
    }

    private static String describe(ExfiltrationAlert a) {
        return a.getDetectedAt() + " " + a.getKind() + " " + a.getWindow() + " " + a.getBaselineMethod();
    }
}
