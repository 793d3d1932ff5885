package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.exfilguard.detect.Threshold;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DetectorTopologyTest {

    /** A Monday. */
    static final Instant DAY0 = Instant.parse("2026-03-02T00:00:00Z");

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    /** An analyst's normal: on working days, every 30 minutes from 09:00 to 17:00, a few member rows. */
    static List<DbAccessEvent> analystDays(String account, String ip, int days, long seed) {
        Random random = new Random(seed);
        List<DbAccessEvent> events = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            Instant day = DAY0.plus(Duration.ofDays(d));
            if (d % 7 >= 5) {
                continue;
            }
            for (int slot = 0; slot < 16; slot++) {
                Instant at = day.plus(Duration.ofHours(9)).plus(Duration.ofMinutes(30L * slot + random.nextInt(20)));
                events.add(TestEvents.dbRead()
                        .account(account)
                        .clientIp(ip)
                        .rows(1 + random.nextInt(40))
                        .at(at)
                        .build());
            }
        }
        return events;
    }

    @Test
    void alertsWhenMemberTableDumpExceedsBaselineWithinMinutes() {
        driver.pipe(analystDays("jdoe", "10.8.4.21", 14, 1));
        assertThat(driver.alerts()).as("no alert while learning normal work").isEmpty();

        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        for (int i = 0; i < 40; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp("10.8.4.21")
                    .rows(25_000)
                    .fingerprint("select * from coop.members")
                    .at(start.plusSeconds(30L * i))
                    .build());
        }

        List<ExfiltrationAlert> alerts = driver.alerts();
        ExfiltrationAlert opened = alerts.get(0);
        assertThat(opened.getStatus()).isEqualTo(AlertStatus.OPENED);
        assertThat(opened.getAccount()).isEqualTo("jdoe");
        assertThat(opened.getTable()).isEqualTo("coop.members");
        assertThat(opened.getKind()).isEqualTo(AlertKind.BULK_READ);
        assertThat(opened.getBaselineMethod()).isEqualTo(Threshold.PERSONAL);
        assertThat(opened.getBaselineHistoryDays()).isGreaterThanOrEqualTo(7);
        assertThat(Duration.between(start, opened.getDetectedAt())).isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(opened.getObservedRows()).isGreaterThan((long) opened.getThresholdRows());
        assertThat(opened.getClientIps()).contains("10.8.4.21");
        assertThat(opened.getReason()).contains("jdoe").contains("coop.members").contains("days of history");
        assertThat(opened.getMitreTechniques()).contains("T1213");
        assertThat(alerts)
                .as("one incident for the dump, a handful of records")
                .extracting(ExfiltrationAlert::getIncidentId)
                .containsOnly(opened.getIncidentId());
        assertThat(alerts).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void alertRecordsCarryThePublishingWallTimeSoAReplaysAlertsOutliveTheTopicsRetention() {
        // Weeks after the events: the alert topic's 7-day retention must count from when the alert was raised.
        Instant wall = DAY0.plus(Duration.ofDays(60));
        try (DetectorDriver replay = DetectorDriver.builder()
                .withWallClock(java.time.Clock.fixed(wall, java.time.ZoneOffset.UTC))
                .build()) {
            replay.pipe(analystDays("jdoe", "10.8.4.21", 14, 1));
            Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
            for (int i = 0; i < 40; i++) {
                replay.pipe(TestEvents.dbRead()
                        .account("jdoe")
                        .clientIp("10.8.4.21")
                        .rows(25_000)
                        .fingerprint("select * from coop.members")
                        .at(start.plusSeconds(30L * i))
                        .build());
            }

            var records = replay.alertRecords();
            assertThat(records).isNotEmpty().allSatisfy(r -> {
                assertThat(r.getRecordTime()).isEqualTo(wall);
                assertThat(r.value().getDetectedAt()).isBefore(start.plus(Duration.ofHours(1)));
            });
            assertThat(replay.alertsJsonRecords())
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getRecordTime()).isEqualTo(wall));
        }
    }

    @Test
    void incidentThatTurnsCriticalSaysSoAtOnceDespiteThePacing() {
        driver.pipe(analystDays("jdoe", "10.8.4.21", 14, 3));
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        // Reads of a thousand rows every ten seconds: the first crossing is modest and opens a LOW or MEDIUM
        // incident; twenty seconds later the same account dumps the table.
        Instant at = start;
        for (int i = 0; i < 200 && driver.alerts().isEmpty(); i++) {
            at = start.plusSeconds(10L * i);
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp("10.8.4.21")
                    .rows(1_000)
                    .at(at)
                    .build());
        }
        List<ExfiltrationAlert> opening = driver.alerts();
        assertThat(opening).extracting(ExfiltrationAlert::getStatus).containsExactly(AlertStatus.OPENED);
        assertThat(opening.get(0).getSeverity().name()).isIn("LOW", "MEDIUM");

        Instant dump = at.plusSeconds(20);
        driver.pipe(TestEvents.dbRead()
                .account("jdoe")
                .clientIp("10.8.4.21")
                .rows(2_000_000)
                .at(dump)
                .build());
        List<ExfiltrationAlert> afterDump = driver.alerts();
        assertThat(afterDump).hasSize(2);
        assertThat(afterDump.get(1))
                .as("the rise to CRITICAL is published with the read that caused it, inside the update interval")
                .satisfies(a -> {
                    assertThat(a.getStatus()).isEqualTo(AlertStatus.UPDATED);
                    assertThat(a.getSeverity().name()).isEqualTo("CRITICAL");
                    assertThat(a.getDetectedAt()).isEqualTo(dump);
                    assertThat(a.getIncidentId()).isEqualTo(opening.get(0).getIncidentId());
                });

        // More growth at the same severity stays paced: no record for a further doubling within the interval.
        driver.pipe(TestEvents.dbRead()
                .account("jdoe")
                .clientIp("10.8.4.21")
                .rows(8_000_000)
                .at(dump.plusSeconds(20))
                .build());
        assertThat(driver.alerts()).hasSize(2);
    }

    @Test
    void profileCacheHitsAndMissesAreExported() {
        driver.pipe(analystDays("jdoe", "10.8.4.21", 2, 4));
        io.micrometer.core.instrument.MeterRegistry registry = driver.metrics().registry();
        double hits = registry.get(org.exfilguard.metrics.DetectorMetrics.PROFILE_CACHE_REQUESTS)
                .tag("result", "hit")
                .functionCounter()
                .count();
        double misses = registry.get(org.exfilguard.metrics.DetectorMetrics.PROFILE_CACHE_REQUESTS)
                .tag("result", "miss")
                .functionCounter()
                .count();
        // Two profiles (the table and all sensitive tables), each loaded once to judge each of the 32 reads; before
        // that, the table's profile decides whether the read is judged by its peers (in cold start, it decides alone).
        // The first read of each of the two days is decided twice: it is held until the task's peer day before it
        // comes back from the peer-days topic. Missed: the table's twice and both profiles once at the first read
        // (none exists yet), then found.
        assertThat(misses).isEqualTo(4);
        assertThat(hits + misses).isEqualTo(2.0 * 32 + 32 + 2);
    }

    @Test
    void incidentClosesAfterQuietPeriodWithFewRecords() {
        driver.pipe(analystDays("jdoe", "10.8.4.21", 14, 2));
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        for (int i = 0; i < 200; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .rows(10_000)
                    .at(start.plusSeconds(15L * i))
                    .build());
        }
        // Someone else keeps reading, so stream time moves past the quiet period.
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(5)
                .at(start.plus(Duration.ofHours(3)))
                .build());
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(5)
                .at(start.plus(Duration.ofHours(3)).plusSeconds(120))
                .build());
        // No flow log: the close waits for the egress side until the input ends.
        driver.endOfInput();

        List<ExfiltrationAlert> alerts = driver.alerts();
        assertThat(alerts)
                .extracting(ExfiltrationAlert::getStatus)
                .startsWith(AlertStatus.OPENED)
                .endsWith(AlertStatus.CLOSED);
        assertThat(alerts).hasSizeLessThanOrEqualTo(5);
        assertThat(alerts).extracting(ExfiltrationAlert::getAlertId).doesNotHaveDuplicates();
    }

    @Test
    void nightlyBackupStopsAlertingOnceLearnt() {
        List<DbAccessEvent> events = new ArrayList<>();
        for (int night = 0; night < 10; night++) {
            Instant start =
                    DAY0.plus(Duration.ofDays(night)).plus(Duration.ofHours(2)).plus(Duration.ofMinutes(night % 3));
            long chunk = 100_000 + night * 500L;
            for (int i = 0; i < 20; i++) {
                events.add(TestEvents.dbRead()
                        .account("backup_svc")
                        .clientIp("10.9.0.5")
                        .rows(chunk)
                        .fingerprint("select * from coop.members")
                        .at(start.plus(Duration.ofMinutes(2L * i)))
                        .build());
            }
        }
        driver.pipe(events);

        List<ExfiltrationAlert> opened = driver.alerts().stream()
                .filter(a -> a.getStatus() == AlertStatus.OPENED)
                .toList();
        Instant endOfFirstNight = DAY0.plus(Duration.ofHours(12));
        assertThat(opened).as("the first night is new behaviour").isNotEmpty();
        assertThat(opened)
                .as("no alert for the backup after its first night")
                .allSatisfy(a -> assertThat(a.getDetectedAt()).isBefore(endOfFirstNight));
    }

    @Test
    void serviceAccountRisingTwoAndAHalfTimesOverADayDoesNotAlert() {
        Random random = new Random(7);
        List<DbAccessEvent> events = new ArrayList<>();
        for (int d = 0; d < 16; d++) {
            double surge = d == 15 ? 2.5 : 1.0;
            for (int slot = 0; slot < 288; slot++) {
                Instant at = DAY0.plus(Duration.ofDays(d)).plus(Duration.ofMinutes(5L * slot));
                double hour = slot / 12.0;
                double diurnal = 0.2 + 0.8 * Math.max(0, Math.sin(Math.PI * (hour - 6) / 14));
                long rows = Math.round(2_000 * diurnal * surge * (0.8 + 0.4 * random.nextDouble()));
                events.add(TestEvents.dbRead()
                        .account("app_svc")
                        .clientIp("10.1.1.10")
                        .rows(rows)
                        .at(at)
                        .build());
            }
        }
        driver.pipe(events);

        assertThat(driver.alerts())
                .filteredOn(a -> a.getStatus() == AlertStatus.OPENED)
                .extracting(ExfiltrationAlert::getDetectedAt)
                .allSatisfy(at -> assertThat(at)
                        .as("only the first day, before anything is learnt, may open an incident")
                        .isBefore(DAY0.plus(Duration.ofDays(1))));
    }

    @Test
    void countStarExaminingMillionsAndReturningOneRowDoesNotAlert() {
        for (int i = 0; i < 50; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("dba")
                    .rows(1)
                    .rowsExamined(2_000_000)
                    .fingerprint("select count(*) from coop.members")
                    .at(DAY0.plus(Duration.ofMinutes(10L * i)))
                    .build());
        }
        assertThat(driver.alerts()).isEmpty();
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "accepted"))
                .isEqualTo(50);
    }

    @Test
    void accountWithNoHistoryDumpingHalfAMillionRowsAlertsAgainstPeers() {
        List<DbAccessEvent> peers = new ArrayList<>();
        for (int a = 0; a < 10; a++) {
            peers.addAll(analystDays("analyst" + a, "10.2.0." + a, 10, 100 + a));
        }
        // In event-time order, as replay merges them: an event a week behind the newest would be dead-lettered.
        peers.sort(java.util.Comparator.comparing(DbAccessEvent::getEventTime));
        driver.pipe(peers);
        assertThat(driver.deadLetters()).isEmpty();
        Instant start = DAY0.plus(Duration.ofDays(10)).plus(Duration.ofHours(11));
        for (int i = 0; i < 10; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("newbie")
                    .clientIp("10.3.0.9")
                    .rows(50_000)
                    .at(start.plus(Duration.ofMinutes(i)))
                    .build());
        }

        List<ExfiltrationAlert> opened = driver.alerts().stream()
                .filter(a -> a.getAccount().equals("newbie") && a.getStatus() == AlertStatus.OPENED)
                .toList();
        assertThat(opened).hasSize(1);
        ExfiltrationAlert alert = opened.get(0);
        assertThat(alert.getBaselineMethod()).isEqualTo(Threshold.PEER);
        assertThat(alert.getBaselineHistoryDays()).isZero();
        assertThat(alert.getPeerPercentile()).isNotNull().isGreaterThan(95.0);
        assertThat(alert.getReason()).contains("percentile").contains("peer");
        assertThat(driver.alerts())
                .filteredOn(a -> a.getAccount().startsWith("analyst"))
                .isEmpty();
    }

    @Test
    void accountWithNoHistoryAndNoPeersStillAlertsAboveTheColdStartFloor() {
        Instant start = DAY0.plus(Duration.ofHours(11));
        for (int i = 0; i < 10; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("newbie")
                    .rows(50_000)
                    .at(start.plus(Duration.ofMinutes(i)))
                    .build());
        }
        assertThat(driver.alerts())
                .extracting(ExfiltrationAlert::getBaselineMethod)
                .containsOnly(Threshold.FLOOR);
        assertThat(driver.alerts()).isNotEmpty();
    }

    @Test
    void readsOfOtherTablesAreNotProfiled() {
        driver.pipe(TestEvents.dbRead()
                .account("jdoe")
                .table("coop.orders")
                .rows(5_000_000)
                .build());
        assertThat(driver.alerts()).isEmpty();
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "not_sensitive"))
                .isEqualTo(1);
    }
}
