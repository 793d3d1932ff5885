package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.Contributor;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The table as a whole: several accounts reading one sensitive table at once, each at an ordinary rate, raise one
 * TABLE_SURGE incident naming them, well before any one account's own sum crosses its floor; one account reading
 * as much alone is its own incident; a day on which many accounts read reports spread over the day is not a surge.
 */
class TableSurgeTopologyTest {

    static final Instant DAY0 = DetectorTopologyTest.DAY0;
    static final int HISTORY_DAYS = 8;
    static final Instant SURGE = DAY0.plus(Duration.ofDays(HISTORY_DAYS)).plus(Duration.ofHours(14));
    static final List<String> SIX = List.of("a01", "a02", "a03", "a04", "a05", "a06");

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    private static DbAccessEvent read(String account, Instant at, long rows) {
        return TestEvents.dbRead()
                .account(account)
                .table("coop.members")
                .rows(rows)
                .at(at)
                .clientIp("10.20.1." + (account.hashCode() & 0x7f))
                .build();
    }

    /**
     * Ordinary days: three services look members up all day, twelve analysts page through the member table in
     * working hours (a few hundred rows per five minutes, and a few larger reports a day each), and a backup job
     * reads the whole table at 02:00.
     */
    private static List<DbAccessEvent> ordinaryDays(int days) {
        SplittableRandom rng = new SplittableRandom(15);
        List<DbAccessEvent> reads = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            Instant day = DAY0.plus(Duration.ofDays(d));
            for (int i = 0; i < 20; i++) {
                reads.add(read("svc_backup", day.plus(Duration.ofHours(2)).plusSeconds(60L * i), 100_000));
            }
            reads.addAll(workingDay(day, rng));
        }
        return reads;
    }

    private static List<DbAccessEvent> workingDay(Instant day, SplittableRandom rng) {
        List<DbAccessEvent> reads = new ArrayList<>();
        // Three services look members up all day, a few rows at a time, about once a minute.
        for (String service : List.of("svc_pricing", "svc_loyalty", "svc_shop")) {
            for (int s = 0; s < 24 * 60; s++) {
                reads.add(read(service, day.plusSeconds(60L * s + rng.nextInt(60)), 3 + rng.nextInt(180)));
            }
        }
        for (int a = 1; a <= 12; a++) {
            String account = String.format("a%02d", a);
            for (int slot = 0; slot < 8 * 12; slot++) {
                if (rng.nextDouble() < 0.7) {
                    reads.add(read(
                            account,
                            day.plus(Duration.ofHours(9)).plusSeconds(300L * slot + rng.nextInt(300)),
                            50 + rng.nextInt(200)));
                }
            }
            for (int r = 0; r < 3; r++) {
                reads.add(read(
                        account,
                        day.plus(Duration.ofHours(9)).plusSeconds(rng.nextInt(8 * 3600)),
                        600 + rng.nextInt(900)));
            }
        }
        return reads;
    }

    private static void pipeInOrder(DetectorDriver driver, List<DbAccessEvent> reads) {
        reads.sort(Comparator.comparing(DbAccessEvent::getEventTime));
        driver.pipe(reads);
    }

    private static List<ExfiltrationAlert> surges(List<ExfiltrationAlert> alerts) {
        return alerts.stream().filter(a -> a.getKind() == AlertKind.TABLE_SURGE).toList();
    }

    @Test
    void sixAccountsAtOnceGiveOneTableIncidentWithinThirtyMinutesNamingAllSix() {
        List<DbAccessEvent> reads = ordinaryDays(HISTORY_DAYS + 1);
        // Each of six analysts reads 200 rows a minute for an hour: 1,000 rows per five minutes, ordinary work.
        for (String account : SIX) {
            for (int m = 0; m < 60; m++) {
                reads.add(read(account, SURGE.plusSeconds(60L * m + SIX.indexOf(account) * 7L), 200));
            }
        }
        pipeInOrder(driver, reads);
        driver.endOfInput();

        List<ExfiltrationAlert> surges = surges(driver.alerts());
        assertThat(surges)
                .extracting(ExfiltrationAlert::getIncidentId)
                .containsOnly(surges.get(0).getIncidentId());
        ExfiltrationAlert opened = surges.get(0);
        assertThat(opened.getStatus()).isEqualTo(AlertStatus.OPENED);
        assertThat(opened.getAccount()).isEqualTo("*");
        assertThat(opened.getTable()).isEqualTo("coop.members");
        assertThat(opened.getDetectedAt()).isAfter(SURGE).isBeforeOrEqualTo(SURGE.plus(Duration.ofMinutes(30)));
        assertThat(opened.getContributors()).extracting(Contributor::getAccount).containsAll(SIX);
        assertThat(opened.getContributors())
                .allSatisfy(c -> assertThat(c.getShare()).isBetween(0.0, 1.0));
        assertThat(opened.getReason()).contains("a01").contains("accounts at once");
        assertThat(surges).last().extracting(ExfiltrationAlert::getStatus).isEqualTo(AlertStatus.CLOSED);
        // The read side sent sums, at most one per (table, account, minute) of the sensitive reads, not one per read.
        long sums = driver.tableReads().stream()
                .filter(r -> !TableReads.isWatermark(r))
                .count();
        long minutes = reads.stream()
                .map(r -> r.getAccount() + "@" + Math.floorDiv(r.getEventTime().toEpochMilli(), 60_000L))
                .distinct()
                .count();
        assertThat(sums).isPositive().isLessThanOrEqualTo(minutes).isLessThan(reads.size());
        // Each account's own sum was still under its floor when the table incident opened.
        assertThat(driver.alerts())
                .filteredOn(a -> SIX.contains(a.getAccount()))
                .allSatisfy(a -> assertThat(a.getDetectedAt()).isAfter(opened.getDetectedAt()));
    }

    /**
     * Six accounts at once: three also read 60,000 rows (incidents of their own), one reads on for the hour (its own
     * sum then crosses its floor too), and two stop after a quarter of an hour, before theirs does. The table
     * incident names all six; the CLOSED record of each own incident on the table links to it (OCSF and ECS alike);
     * no other record links to anything, and the two accounts with no incident of their own get no record at all.
     */
    @Test
    void theAccountsOwnIncidentsOnTheTableLinkToTheTableIncident() {
        List<DbAccessEvent> reads = ordinaryDays(HISTORY_DAYS + 1);
        List<String> dumps = SIX.subList(0, 3);
        List<String> brief = SIX.subList(4, 6);
        for (String account : SIX) {
            int minutes = brief.contains(account) ? 15 : 60;
            for (int m = 0; m < minutes; m++) {
                reads.add(read(account, SURGE.plusSeconds(60L * m + SIX.indexOf(account) * 7L), 200));
            }
            if (dumps.contains(account)) {
                reads.add(read(account, SURGE.plus(Duration.ofMinutes(40)), 60_000));
            }
        }
        pipeInOrder(driver, reads);
        driver.endOfInput();

        List<ExfiltrationAlert> surges = surges(driver.alerts());
        String tableIncident = surges.get(0).getIncidentId();
        assertThat(surges).extracting(ExfiltrationAlert::getIncidentId).containsOnly(tableIncident);
        assertThat(surges.get(0).getContributors())
                .extracting(Contributor::getAccount)
                .containsAll(SIX);
        List<ExfiltrationAlert> own = driver.alerts().stream()
                .filter(a -> SIX.contains(a.getAccount()))
                .toList();
        List<String> withOwn = own.stream()
                .filter(a -> a.getTable().equals("coop.members") && a.getStatus() == AlertStatus.CLOSED)
                .map(ExfiltrationAlert::getAccount)
                .toList();
        assertThat(withOwn).as("accounts with an own incident on the table").containsAll(dumps);
        assertThat(withOwn).as("accounts with an own incident on the table").doesNotContainAnyElementsOf(brief);
        assertThat(own)
                .filteredOn(a -> a.getTable().equals("coop.members") && a.getStatus() == AlertStatus.CLOSED)
                .hasSize(withOwn.size())
                .allSatisfy(c -> assertThat(c.getRelatedIncidentIds()).containsExactly(tableIncident));
        // Only those CLOSED records carry the link: not the all-tables scope's, not OPENED or UPDATED ones.
        assertThat(own)
                .filteredOn(a -> !a.getRelatedIncidentIds().isEmpty())
                .hasSize(withOwn.size())
                .allSatisfy(a -> {
                    assertThat(a.getStatus()).isEqualTo(AlertStatus.CLOSED);
                    assertThat(a.getTable()).isEqualTo("coop.members");
                });
        // Named, with no incident of its own: nothing extra (no record at all).
        assertThat(own).extracting(ExfiltrationAlert::getAccount).doesNotContainAnyElementsOf(brief);
        assertThat(surges).allSatisfy(s -> assertThat(s.getRelatedIncidentIds()).isEmpty());
        assertThat(driver.alertsJson())
                .filteredOn(j -> j.contains("\"related_events\""))
                .hasSize(withOwn.size())
                .allSatisfy(j -> assertThat(j).contains("{\"uid\":\"" + tableIncident + "\"}"));
        assertThat(driver.alertsEcs())
                .filteredOn(j -> j.contains("\"related_incident_ids\":[\"" + tableIncident + "\"]"))
                .hasSize(withOwn.size());
    }

    @Test
    void oneAccountReadingAsMuchAloneIsItsOwnIncidentNotATableOne() {
        List<DbAccessEvent> reads = ordinaryDays(HISTORY_DAYS + 1);
        for (int m = 0; m < 60; m++) {
            reads.add(read("a07", SURGE.plusSeconds(60L * m), 1_200));
        }
        pipeInOrder(driver, reads);
        driver.endOfInput();

        assertThat(driver.alerts())
                .filteredOn(a -> a.getAccount().equals("a07") && a.getStatus() == AlertStatus.OPENED)
                .isNotEmpty();
        assertThat(surges(driver.alerts())).isEmpty();
    }

    @Test
    void manyAccountsReadingPeriodEndReportsOverTheDayAreNotASurge() {
        List<DbAccessEvent> reads = ordinaryDays(HISTORY_DAYS + 1);
        SplittableRandom rng = new SplittableRandom(27);
        Instant day = DAY0.plus(Duration.ofDays(HISTORY_DAYS));
        for (int a = 1; a <= 14; a++) {
            long rows = 3_000 + rng.nextInt(9_001);
            int statements = 3 + rng.nextInt(6);
            for (int s = 0; s < statements; s++) {
                reads.add(read(
                        String.format("p%02d", a),
                        day.plus(Duration.ofHours(9)).plusSeconds(rng.nextInt(8 * 3600)),
                        rows / statements));
            }
        }
        pipeInOrder(driver, reads);
        driver.endOfInput();

        assertThat(surges(driver.alerts())).isEmpty();
    }

    @Test
    void anOrdinaryFortnightRaisesNoTableIncident() {
        pipeInOrder(driver, ordinaryDays(14));
        driver.endOfInput();

        assertThat(surges(driver.alerts())).isEmpty();
    }
}
