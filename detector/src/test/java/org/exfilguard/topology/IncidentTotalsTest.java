package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.exfilguard.testkit.TestFlows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An incident's records carry its totals: the sum of every read of the account's table from the incident's first
 * read to the record, not the sum of the window that fired last.
 */
class IncidentTotalsTest {

    static final Instant DAY0 = DetectorTopologyTest.DAY0;
    static final String HOST = "10.8.4.21";
    static final String DROP = "198.51.100.240";
    static final Instant START = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    /** A paged extraction over four hours from two hosts, pages of varying size: about 2.4 million rows. */
    private static List<DbAccessEvent> extraction() {
        List<DbAccessEvent> reads = new ArrayList<>();
        for (int i = 0; i < 480; i++) {
            long rows = 4_000 + (i % 7) * 500L + (i == 300 ? 20_000 : 0);
            reads.add(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(i % 5 == 0 ? "10.8.4.22" : HOST)
                    .rows(rows)
                    .bytes(rows * 180)
                    .fingerprint(
                            i % 2 == 0
                                    ? "select * from coop.members where id > ? limit ?"
                                    : "select id, email from coop.members where id > ? limit ?")
                    .at(START.plusSeconds(30L * i))
                    .build());
        }
        return reads;
    }

    /** Other accounts' reads that move the event clock past the quiet period. */
    private void timePasses() {
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(START.plus(Duration.ofHours(8)))
                .build());
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(START.plus(Duration.ofHours(8)).plusSeconds(90))
                .build());
        // The closes wait for the egress side's final reports: the input ends, as a backtest's does.
        driver.endOfInput();
    }

    private static long rowsBetween(List<DbAccessEvent> reads, Instant from, Instant to) {
        return reads.stream()
                .filter(r ->
                        !r.getEventTime().isBefore(from) && !r.getEventTime().isAfter(to))
                .mapToLong(DbAccessEvent::getRowsReturned)
                .sum();
    }

    @Test
    void totalsEqualTheSumOfTheIncidentsReadsNotTheLastWindow() {
        List<DbAccessEvent> history = DetectorTopologyTest.analystDays("jdoe", HOST, 14, 5);
        List<DbAccessEvent> extraction = extraction();
        driver.pipe(history);
        driver.pipe(extraction);
        // The analyst's ordinary reads an hour after the dump, while the incident is still open: they count too.
        List<DbAccessEvent> after = List.of(
                TestEvents.dbRead()
                        .account("jdoe")
                        .clientIp(HOST)
                        .rows(12)
                        .bytes(2_160)
                        .at(START.plus(Duration.ofMinutes(250)))
                        .build(),
                TestEvents.dbRead()
                        .account("jdoe")
                        .clientIp(HOST)
                        .rows(30)
                        .bytes(5_400)
                        .at(START.plus(Duration.ofMinutes(260)))
                        .build());
        driver.pipe(after);
        timePasses();
        List<DbAccessEvent> all = new ArrayList<>(history);
        all.addAll(extraction);
        all.addAll(after);

        List<ExfiltrationAlert> records = driver.alerts().stream()
                .filter(a -> a.getAccount().equals("jdoe") && a.getTable().equals("coop.members"))
                .toList();
        assertThat(records)
                .extracting(ExfiltrationAlert::getIncidentId)
                .as("one incident")
                .containsOnly(records.get(0).getIncidentId());
        ExfiltrationAlert closed = records.get(records.size() - 1);
        assertThat(closed.getStatus()).isEqualTo(AlertStatus.CLOSED);
        IncidentTotals totals = closed.getTotals();

        long extracted =
                extraction.stream().mapToLong(DbAccessEvent::getRowsReturned).sum();
        assertThat(totals.getFirstRead()).isEqualTo(closed.getFirstSeen());
        assertThat(totals.getFirstRead())
                .as("the sub-bucket of the first page")
                .isAfter(START.minus(Duration.ofMinutes(1)))
                .isBeforeOrEqualTo(START);
        assertThat(totals.getLastRead()).isEqualTo(after.get(1).getEventTime());
        assertThat(totals.getRows())
                .isEqualTo(extracted + 42)
                .isEqualTo(rowsBetween(all, totals.getFirstRead(), totals.getLastRead()));
        assertThat(totals.getRows())
                .as("the whole incident, not the last window")
                .isGreaterThan(20 * closed.getObservedRows());
        assertThat(totals.getBytes())
                .isEqualTo(extraction.stream()
                                .mapToLong(DbAccessEvent::getBytesReturned)
                                .sum()
                        + 7_560);
        assertThat(totals.getLargestReadRows()).isEqualTo(4_000 + (300 % 7) * 500L + 20_000);
        assertThat(totals.getClientIps()).containsExactly(HOST, "10.8.4.22");
        assertThat(totals.getStatementFingerprints())
                .containsExactlyInAnyOrder(
                        "select * from coop.members where id > ? limit ?",
                        "select id, email from coop.members where id > ? limit ?",
                        after.get(0).getStatementFingerprint());
        assertThat(totals.getEgressBytesOut()).isZero();

        // Every record carries the totals up to itself.
        for (ExfiltrationAlert r : records.subList(0, records.size() - 1)) {
            assertThat(r.getTotals().getRows())
                    .as(r.getStatus() + " at " + r.getDetectedAt())
                    .isEqualTo(rowsBetween(all, totals.getFirstRead(), r.getDetectedAt()));
            assertThat(r.getTotals().getLastRead()).isEqualTo(r.getDetectedAt());
        }
    }

    @Test
    void totalsCarryTheBytesSentToNewDestinationsWithTheDestinations() {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", HOST, 14, 3));
        for (int d = 0; d < 14; d++) {
            for (int h = 9; h < 17; h++) {
                Instant at = DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(h));
                driver.pipeEgress(TestFlows.flow()
                        .from(HOST)
                        .to("93.184.216." + (h % 3))
                        .bytesOut(200_000)
                        .at(at)
                        .build());
            }
        }
        List<DbAccessEvent> reads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            reads.add(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(25_000)
                    .at(START.plusSeconds(30L * i))
                    .build());
        }
        driver.pipe(reads);
        for (int i = 0; i < 6; i++) {
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .port(443)
                    .bytesOut(12_500_000)
                    .at(START.plus(Duration.ofMinutes(20 + 2L * i)))
                    .build());
        }
        driver.pipeEgress(TestFlows.flow()
                .from(HOST)
                .to("93.184.216.1")
                .at(START.plus(Duration.ofHours(3)))
                .build());
        timePasses();

        List<ExfiltrationAlert> records = driver.alerts().stream()
                .filter(a -> a.getAccount().equals("jdoe") && a.getTable().equals("coop.members"))
                .toList();
        ExfiltrationAlert closed = records.stream()
                .filter(a -> a.getStatus() == AlertStatus.CLOSED)
                .findFirst()
                .orElseThrow();
        assertThat(closed.getTotals().getRows()).isEqualTo(500_000);
        assertThat(closed.getTotals().getBytes())
                .as("the log had no byte counts")
                .isNull();
        assertThat(closed.getTotals().getEgressBytesOut()).isEqualTo(75_000_000L);
        assertThat(closed.getTotals().getEgressDestinations()).containsExactly(DROP);
    }
}
