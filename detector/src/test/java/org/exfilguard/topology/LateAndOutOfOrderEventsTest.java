package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/**
 * Event time, not arrival order, decides which window a read counts in; and the interleaving of accounts on a
 * partition (which differs between live processing and a replay) does not change the alerts or their ids.
 */
class LateAndOutOfOrderEventsTest {

    private static final Instant DAY0 = DetectorTopologyTest.DAY0;
    private static final Instant BURST = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));

    @Test
    void lateReadInsideTheShortWindowCountsTowardsIt() {
        try (DetectorDriver driver = DetectorDriver.withDefaults()) {
            driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 7));
            // 6,000 rows at 14:10 stay under the 10,000-row floor of every window: no alert yet.
            driver.pipe(read("jdoe", 6_000, BURST.plus(Duration.ofMinutes(10))));
            assertThat(driver.alerts()).isEmpty();

            // Arrives after the 14:10 read but happened at 14:05: inside the 15-minute window that ends at 14:11.
            Instant late = BURST.plus(Duration.ofMinutes(5));
            driver.pipe(read("jdoe", 6_000, late));

            ExfiltrationAlert opened = driver.alerts().get(0);
            assertThat(opened.getStatus()).isEqualTo(AlertStatus.OPENED);
            assertThat(opened.getWindow()).isEqualTo("15m");
            assertThat(opened.getObservedRows())
                    .as("both reads in one 15-minute window")
                    .isEqualTo(12_000L);
            assertThat(opened.getDetectedAt())
                    .as("detected at the late read's event time")
                    .isEqualTo(late);
            assertThat(opened.getFirstSeen()).isBeforeOrEqualTo(late);
        }
    }

    @Test
    void lateReadOlderThanTheShortWindowCountsOnlyInTheLongerOnes() {
        try (DetectorDriver driver = DetectorDriver.withDefaults()) {
            driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 7));
            driver.pipe(read("jdoe", 6_000, BURST.plus(Duration.ofMinutes(40))));
            // 35 minutes earlier: outside the 15-minute window, inside the hour.
            driver.pipe(read("jdoe", 6_000, BURST.plus(Duration.ofMinutes(5))));

            List<ExfiltrationAlert> alerts = driver.alerts();
            assertThat(alerts).isNotEmpty();
            assertThat(alerts.get(0).getWindow())
                    .as("the 15-minute window never held 12,000 rows")
                    .isNotEqualTo("15m");
            assertThat(alerts.get(0).getObservedRows()).isEqualTo(12_000L);
        }
    }

    @Test
    void sameAlertsWhateverTheInterleavingOfAccounts() {
        List<List<DbAccessEvent>> perAccount = List.of(
                withBurst(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 15, 11), "jdoe", BURST, 40),
                withBurst(
                        DetectorTopologyTest.analystDays("asmith", "10.8.4.22", 15, 12),
                        "asmith",
                        BURST.plus(Duration.ofMinutes(20)),
                        30),
                DetectorTopologyTest.analystDays("bwhite", "10.8.4.23", 15, 13),
                DetectorTopologyTest.analystDays("cgreen", "10.8.4.24", 15, 14));

        List<ExfiltrationAlert> inTimeOrder = run(merge(perAccount, new Random(1), Duration.ZERO));
        assertThat(inTimeOrder).extracting(ExfiltrationAlert::getAccount).contains("jdoe", "asmith");

        for (long seed = 2; seed <= 4; seed++) {
            // Each account's own order is kept (one shipper per source); accounts drift up to 10 minutes apart.
            List<DbAccessEvent> interleaved = merge(perAccount, new Random(seed), Duration.ofMinutes(10));
            assertThat(interleaved).isNotEqualTo(merge(perAccount, new Random(1), Duration.ZERO));
            List<ExfiltrationAlert> alerts = run(interleaved);
            assertThat(byId(alerts)).as("interleaving seed " + seed).isEqualTo(byId(inTimeOrder));
        }
    }

    /** Coalescing profile writes in Kafka Streams' record cache changes when they reach the store, never the alerts. */
    @Test
    void sameAlertsWhenProfileWritesAreCoalesced() {
        List<DbAccessEvent> events = merge(
                List.of(
                        withBurst(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 15, 21), "jdoe", BURST, 40),
                        withBurst(
                                DetectorTopologyTest.analystDays("asmith", "10.8.4.22", 15, 22),
                                "asmith",
                                BURST.plus(Duration.ofMinutes(20)),
                                30),
                        DetectorTopologyTest.analystDays("bwhite", "10.8.4.23", 15, 23)),
                new Random(5),
                Duration.ofMinutes(10));
        List<ExfiltrationAlert> writeThrough = run(events);
        assertThat(writeThrough).extracting(ExfiltrationAlert::getAccount).contains("jdoe", "asmith");
        try (DetectorDriver driver =
                DetectorDriver.builder().withCoalescedProfileWrites().build()) {
            driver.pipe(events);
            assertThat(byId(driver.alerts())).isEqualTo(byId(writeThrough));
        }
    }

    private static DbAccessEvent read(String account, long rows, Instant at) {
        return TestEvents.dbRead()
                .account(account)
                .rows(rows)
                .fingerprint("select * from coop.members")
                .at(at)
                .build();
    }

    private static List<DbAccessEvent> withBurst(List<DbAccessEvent> normal, String account, Instant start, int reads) {
        List<DbAccessEvent> events = new ArrayList<>(normal);
        for (int i = 0; i < reads; i++) {
            events.add(read(account, 25_000, start.plusSeconds(30L * i)));
        }
        events.sort(Comparator.comparing(DbAccessEvent::getEventTime));
        return events;
    }

    /** Merges the accounts' streams by event time plus a seeded per-account delivery delay of up to maxDelay. */
    private static List<DbAccessEvent> merge(List<List<DbAccessEvent>> perAccount, Random random, Duration maxDelay) {
        record Arrival(DbAccessEvent event, Instant arrives, int account, int index) {}
        List<Arrival> arrivals = new ArrayList<>();
        for (int a = 0; a < perAccount.size(); a++) {
            Duration delay =
                    maxDelay.isZero() ? Duration.ZERO : Duration.ofMillis(random.nextLong(maxDelay.toMillis()));
            List<DbAccessEvent> events = perAccount.get(a);
            for (int i = 0; i < events.size(); i++) {
                arrivals.add(
                        new Arrival(events.get(i), events.get(i).getEventTime().plus(delay), a, i));
            }
        }
        arrivals.sort(Comparator.comparing(Arrival::arrives)
                .thenComparing(Arrival::account)
                .thenComparing(Arrival::index));
        return arrivals.stream().map(Arrival::event).toList();
    }

    private static List<ExfiltrationAlert> run(List<DbAccessEvent> events) {
        try (DetectorDriver driver = DetectorDriver.withDefaults()) {
            driver.pipe(events);
            return driver.alerts();
        }
    }

    /** Alerts by id; the records themselves must be equal, not only their ids. */
    private static Map<String, ExfiltrationAlert> byId(List<ExfiltrationAlert> alerts) {
        Map<String, ExfiltrationAlert> map = new HashMap<>();
        alerts.forEach(a -> assertThat(map.put(a.getAlertId(), a))
                .as("alert id repeated: " + a.getAlertId())
                .isNull());
        return map;
    }
}
