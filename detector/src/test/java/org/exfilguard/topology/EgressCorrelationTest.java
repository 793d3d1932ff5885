package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.exfilguard.testkit.TestFlows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EgressCorrelationTest {

    static final Instant DAY0 = DetectorTopologyTest.DAY0;
    static final String HOST = "10.8.4.21";
    static final String DROP = "198.51.100.240";

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    /** Two weeks of an analyst's reads and the host's ordinary web traffic to a few known sites. */
    private void learnNormal() {
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
    }

    @Test
    void bulkReadFollowedByUploadToNewDestinationEscalatesWithTheEgressEvidence() {
        learnNormal();
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        for (int i = 0; i < 20; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(25_000)
                    .bytes(25_000L * 150)
                    .at(start.plusSeconds(30L * i))
                    .build());
        }
        long uploaded = 0;
        Instant upload = start.plus(Duration.ofMinutes(20));
        for (int i = 0; i < 8; i++) {
            long chunk = 9_375_000;
            uploaded += chunk;
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .port(443)
                    .bytesOut(chunk)
                    .at(upload.plus(Duration.ofMinutes(2L * i)))
                    .build());
        }
        // Time moves on so the incident closes.
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(Duration.ofHours(4)))
                .build());
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(Duration.ofHours(4)).plusSeconds(90))
                .build());
        driver.endOfInput();

        List<ExfiltrationAlert> jdoe = driver.alerts().stream()
                .filter(a -> a.getAccount().equals("jdoe"))
                .toList();
        ExfiltrationAlert escalation = jdoe.stream()
                .filter(a -> a.getKind() == AlertKind.READ_THEN_EGRESS)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no READ_THEN_EGRESS alert in " + jdoe));
        assertThat(escalation.getStatus()).isEqualTo(AlertStatus.UPDATED);
        assertThat(escalation.getEgress().getDestinations())
                .extracting(EgressDestination::getDstIp)
                .contains(DROP);
        assertThat(escalation.getMitreTechniques()).contains("T1213", "T1567");
        assertThat(escalation.getReason()).contains("left " + HOST).contains(DROP);
        assertThat(escalation.getSeverity().ordinal())
                .isGreaterThanOrEqualTo(org.exfilguard.schema.Severity.HIGH.ordinal());

        ExfiltrationAlert closed = jdoe.get(jdoe.size() - 1);
        assertThat(closed.getStatus()).isEqualTo(AlertStatus.CLOSED);
        assertThat(closed.getKind()).isEqualTo(AlertKind.READ_THEN_EGRESS);
        assertThat(closed.getEgress().getBytesOut())
                .as("the closing record carries at least 90% of the upload")
                .isGreaterThanOrEqualTo((long) (0.9 * uploaded));
        assertThat(closed.getMitreTechniques()).contains("T1030");
        Map<String, Long> perIncident =
                jdoe.stream().collect(Collectors.groupingBy(ExfiltrationAlert::getIncidentId, Collectors.counting()));
        assertThat(perIncident.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(5));
    }

    @Test
    void egressProcessedDaysAheadOfTheReadStillEscalatesItsIncident() {
        // A backtest loads both topics at once: the egress side can run days of event time ahead of the reads.
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        for (int d = 0; d < 17; d++) {
            for (int h = 9; h < 17; h++) {
                Instant at = DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(h));
                driver.pipeEgress(TestFlows.flow()
                        .from(HOST)
                        .to("93.184.216." + (h % 3))
                        .bytesOut(200_000)
                        .at(at)
                        .build());
                if (d == 14 && h == 14) {
                    for (int i = 0; i < 6; i++) {
                        driver.pipeEgress(TestFlows.flow()
                                .from(HOST)
                                .to(DROP)
                                .bytesOut(12_500_000)
                                .at(start.plus(Duration.ofMinutes(20 + 2L * i)))
                                .build());
                    }
                }
            }
        }
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", HOST, 14, 3));
        for (int i = 0; i < 20; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(25_000)
                    .at(start.plusSeconds(30L * i))
                    .build());
        }
        driver.endOfInput();
        ExfiltrationAlert escalation = driver.alerts().stream()
                .filter(a -> a.getKind() == AlertKind.READ_THEN_EGRESS)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no READ_THEN_EGRESS alert"));
        assertThat(escalation.getEgress().getDestinations())
                .extracting(EgressDestination::getDstIp)
                .containsExactly(DROP);
        assertThat(escalation.getEgress().getBytesOut())
                .as("judged at the first minute whose egress was unusual")
                .isEqualTo(12_500_000L);
        assertThat(escalation.getDetectedAt()).isEqualTo(start.plus(Duration.ofMinutes(21)));
    }

    @Test
    void egressSeenAfterTheReadSideClosedTheIncidentEscalatesItAndItsCloseWaitsForTheEvidence() {
        learnNormal();
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        for (int i = 0; i < 20; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(25_000)
                    .at(start.plusSeconds(30L * i))
                    .build());
        }
        // The read side runs hours ahead (as in a fast replay) and decides the close before the egress is seen.
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(Duration.ofHours(4)))
                .build());
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(Duration.ofHours(4)).plusSeconds(90))
                .build());
        assertThat(driver.alerts())
                .as("the close waits for the egress side")
                .extracting(ExfiltrationAlert::getStatus)
                .doesNotContain(AlertStatus.CLOSED);
        for (int i = 0; i < 6; i++) {
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .bytesOut(12_500_000)
                    .at(start.plus(Duration.ofMinutes(20 + 2L * i)))
                    .build());
        }
        // The host's next flow after the close passes the horizon: the final report completes the close.
        driver.pipeEgress(TestFlows.flow()
                .from(HOST)
                .to("93.184.216.1")
                .at(start.plus(Duration.ofHours(5)))
                .build());
        List<ExfiltrationAlert> jdoe = driver.alerts().stream()
                .filter(a -> a.getAccount().equals("jdoe"))
                .toList();
        List<ExfiltrationAlert> escalations = jdoe.stream()
                .filter(a -> a.getStatus() == AlertStatus.UPDATED && a.getKind() == AlertKind.READ_THEN_EGRESS)
                .toList();
        assertThat(escalations).hasSize(1);
        assertThat(escalations.get(0).getEgress().getDestinations())
                .extracting(EgressDestination::getDstIp)
                .containsExactly(DROP);
        assertThat(escalations.get(0).getDetectedAt()).isEqualTo(start.plus(Duration.ofMinutes(21)));
        ExfiltrationAlert closed = jdoe.get(jdoe.size() - 1);
        assertThat(closed.getStatus()).isEqualTo(AlertStatus.CLOSED);
        assertThat(closed.getKind()).isEqualTo(AlertKind.READ_THEN_EGRESS);
        assertThat(closed.getEgress().getBytesOut()).as("all of the upload").isEqualTo(75_000_000L);
    }

    /**
     * The same logs give the same records whichever side runs ahead: the flows all before the reads, the reads all
     * before the flows, or both in time order (as a backtest under load, a slow broker or one thread may run them).
     */
    @Test
    void theRecordsDoNotDependOnWhichSideWasProcessedFirst() {
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        List<org.exfilguard.schema.DbAccessEvent> reads =
                new java.util.ArrayList<>(DetectorTopologyTest.analystDays("jdoe", HOST, 14, 3));
        for (int i = 0; i < 20; i++) {
            reads.add(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(25_000)
                    .at(start.plusSeconds(30L * i))
                    .build());
        }
        for (int i = 0; i < 12; i++) {
            reads.add(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(60_000)
                    .at(start.plus(Duration.ofMinutes(40 + 3L * i)))
                    .build());
        }
        reads.add(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(Duration.ofHours(6)))
                .build());
        reads.add(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(Duration.ofHours(6)).plusSeconds(90))
                .build());
        List<org.exfilguard.schema.EgressEvent> flows = new java.util.ArrayList<>();
        for (int d = 0; d < 15; d++) {
            for (int h = 9; h < 17; h++) {
                flows.add(TestFlows.flow()
                        .from(HOST)
                        .to("93.184.216." + (h % 3))
                        .bytesOut(200_000)
                        .at(DAY0.plus(Duration.ofDays(d))
                                .plus(Duration.ofHours(h))
                                .plusSeconds(17))
                        .build());
            }
        }
        for (int i = 0; i < 30; i++) {
            flows.add(TestFlows.flow()
                    .from(HOST)
                    .to(i % 2 == 0 ? DROP : "203.0.113.77")
                    .port(443)
                    .bytesOut(4_000_000)
                    .at(start.plus(Duration.ofMinutes(5 + 4L * i)).plusSeconds(7))
                    .build());
        }
        flows.sort(java.util.Comparator.comparing(org.exfilguard.schema.EgressEvent::getEventTime));

        List<String> flowsFirst = run(reads, flows, Order.FLOWS_FIRST);
        List<String> readsFirst = run(reads, flows, Order.READS_FIRST);
        List<String> byTime = run(reads, flows, Order.BY_TIME);
        assertThat(flowsFirst).anyMatch(r -> r.contains("READ_THEN_EGRESS")).anyMatch(r -> r.contains("CLOSED"));
        assertThat(readsFirst).isEqualTo(flowsFirst);
        assertThat(byTime).isEqualTo(flowsFirst);
    }

    private enum Order {
        FLOWS_FIRST,
        READS_FIRST,
        BY_TIME
    }

    private static List<String> run(
            List<org.exfilguard.schema.DbAccessEvent> reads,
            List<org.exfilguard.schema.EgressEvent> flows,
            Order order) {
        try (DetectorDriver d = DetectorDriver.withDefaults()) {
            switch (order) {
                case FLOWS_FIRST -> {
                    flows.forEach(d::pipeEgress);
                    d.pipe(reads);
                }
                case READS_FIRST -> {
                    d.pipe(reads);
                    flows.forEach(d::pipeEgress);
                }
                case BY_TIME -> {
                    int f = 0;
                    for (org.exfilguard.schema.DbAccessEvent r : reads) {
                        while (f < flows.size() && !flows.get(f).getEventTime().isAfter(r.getEventTime())) {
                            d.pipeEgress(flows.get(f++));
                        }
                        d.pipe(r);
                    }
                    flows.subList(f, flows.size()).forEach(d::pipeEgress);
                }
            }
            d.endOfInput();
            return d.alerts().stream()
                    .sorted(java.util.Comparator.comparing(ExfiltrationAlert::getDetectedAt)
                            .thenComparing(ExfiltrationAlert::getAlertId))
                    .map(ExfiltrationAlert::toString)
                    .toList();
        }
    }

    /**
     * A host whose flow log starts on the day of the extraction (a new workstation, or a backtest whose flows begin
     * then): its first day's destinations are learnt, but one the organisation has never used is still evidence.
     */
    @Test
    void aHostOnItsFirstDayOfEgressEscalatesAnUploadToADestinationNewToTheOrganisation() {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", HOST, 14, 3));
        // Other hosts have long used the usual sites; this host's flows start on the day of the extraction.
        for (int d = 0; d < 14; d++) {
            driver.pipeEgress(TestFlows.flow()
                    .from("10.8.4.99")
                    .to("93.184.216.1")
                    .bytesOut(200_000)
                    .at(DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(10)))
                    .build());
        }
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        driver.pipeEgress(TestFlows.flow()
                .from(HOST)
                .to("93.184.216.1")
                .bytesOut(100_000)
                .at(start.minus(Duration.ofHours(4)))
                .build());
        for (int i = 0; i < 20; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(25_000)
                    .at(start.plusSeconds(30L * i))
                    .build());
        }
        for (int i = 0; i < 6; i++) {
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .port(443)
                    .bytesOut(20_000_000)
                    .at(start.plus(Duration.ofMinutes(20 + 2L * i)))
                    .build());
            // The usual site, new to this young host but known to the organisation, is learnt, not evidence.
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to("93.184.216.1")
                    .bytesOut(30_000_000)
                    .at(start.plus(Duration.ofMinutes(21 + 2L * i)))
                    .build());
        }
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(start.plus(Duration.ofHours(4)))
                .build());
        driver.endOfInput();
        List<ExfiltrationAlert> escalations = driver.alerts().stream()
                .filter(a -> a.getKind() == AlertKind.READ_THEN_EGRESS)
                .toList();
        assertThat(escalations).isNotEmpty();
        assertThat(escalations)
                .allSatisfy(a -> assertThat(a.getEgress().getDestinations())
                        .extracting(EgressDestination::getDstIp)
                        .containsExactly(DROP));
    }

    /** On the day the detector first sees flows, nothing is new to the organisation yet: a nightly backup is learnt. */
    @Test
    void onTheOrganisationsFirstDayOfFlowsAnUploadToAnUnseenTargetIsLearntNotEvidence() {
        for (int i = 0; i < 40; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("bkp_nightly")
                    .clientIp(HOST)
                    .rows(100_000)
                    .at(DAY0.plus(Duration.ofHours(2)).plusSeconds(20L * i))
                    .build());
        }
        for (int i = 0; i < 10; i++) {
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .port(443)
                    .bytesOut(25_000_000)
                    .at(DAY0.plus(Duration.ofHours(2)).plus(Duration.ofMinutes(10 + i)))
                    .build());
        }
        driver.pipe(TestEvents.dbRead()
                .account("other")
                .rows(1)
                .at(DAY0.plus(Duration.ofHours(7)))
                .build());
        driver.endOfInput();
        assertThat(driver.alerts()).extracting(ExfiltrationAlert::getAccount).contains("bkp_nightly");
        assertThat(driver.alerts()).noneMatch(a -> a.getKind() == AlertKind.READ_THEN_EGRESS);
    }

    @Test
    void egressAloneIsCountedButDoesNotAlert() {
        learnNormal();
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        for (int i = 0; i < 10; i++) {
            driver.pipeEgress(TestFlows.flow()
                    .from(HOST)
                    .to(DROP)
                    .bytesOut(60_000_000)
                    .at(start.plus(Duration.ofMinutes(i)))
                    .build());
        }
        assertThat(driver.alerts()).isEmpty();
        assertThat(driver.metrics().count("exfil.suppressions", "kind", "egress_only"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void uploadToAKnownDestinationDoesNotEscalate() {
        learnNormal();
        Instant start = DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
        for (int i = 0; i < 20; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account("jdoe")
                    .clientIp(HOST)
                    .rows(25_000)
                    .at(start.plusSeconds(30L * i))
                    .build());
        }
        driver.pipeEgress(TestFlows.flow()
                .from(HOST)
                .to("93.184.216.1")
                .bytesOut(500_000)
                .at(start.plus(Duration.ofMinutes(15)))
                .build());
        assertThat(driver.alerts()).extracting(ExfiltrationAlert::getKind).containsOnly(AlertKind.BULK_READ);
    }
}
