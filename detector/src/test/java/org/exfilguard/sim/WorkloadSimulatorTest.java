package org.exfilguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.junit.jupiter.api.Test;

class WorkloadSimulatorTest {

    private static final SimulationSpec SHORT_DEMO = SimulationSpec.demo().withDays(4);

    @Test
    void eventsComeInEventTimeOrderAndReplayIdentically() {
        WorkloadSimulator sim = new WorkloadSimulator(SHORT_DEMO);
        Iterator<SimEvent> a = sim.events();
        Iterator<SimEvent> b = new WorkloadSimulator(SHORT_DEMO).events();
        Instant previous = Instant.MIN;
        long n = 0;
        while (a.hasNext()) {
            SimEvent x = a.next();
            assertThat(b.hasNext()).isTrue();
            assertThat(b.next()).isEqualTo(x);
            assertThat(x.time()).isAfterOrEqualTo(previous);
            previous = x.time();
            n++;
        }
        assertThat(b.hasNext()).isFalse();
        assertThat(n).isGreaterThan(5_000);
    }

    @Test
    void differentSeedsGiveDifferentWorkloads() {
        List<SimEvent> one =
                new WorkloadSimulator(SHORT_DEMO).stream().limit(200).toList();
        List<SimEvent> two = new WorkloadSimulator(SHORT_DEMO.withSeed(43))
                .stream().limit(200).toList();
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void demoPresetHasExactlyOneSmashAndGrabByJdoeOnMembersOnTheLastDay() {
        SimulationSpec spec = SimulationSpec.demo();
        WorkloadSimulator sim = new WorkloadSimulator(spec);
        assertThat(sim.truth()).hasSize(1);
        TruthEntry t = sim.truth().get(0);
        assertThat(t.kind()).isEqualTo(ScenarioKind.SMASH_AND_GRAB);
        assertThat(t.account()).isEqualTo(SimulationSpec.DEMO_CULPRIT).isEqualTo("jdoe");
        assertThat(t.table()).isEqualTo("coop.members");
        LocalDate lastDay = spec.start().atZone(ZoneOffset.UTC).toLocalDate().plusDays(spec.days() - 1);
        assertThat(t.start().atZone(ZoneOffset.UTC).toLocalDate()).isEqualTo(lastDay);
        assertThat(Duration.between(t.start(), t.end())).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(40));

        assertThat(sim.accounts()).hasSizeBetween(22, 28);
        assertThat(sim.accounts())
                .filteredOn(a -> a.role() == Account.Role.BACKUP)
                .hasSize(1);
        assertThat(sim.accounts())
                .filteredOn(a -> a.role() == Account.Role.SERVICE)
                .hasSize(1);

        long events = 0;
        long jdoeMemberRowsInWindow = 0;
        Iterator<SimEvent> it = sim.events();
        while (it.hasNext()) {
            SimEvent e = it.next();
            events++;
            if (e instanceof SimEvent.Db d
                    && d.event().getAccount().equals("jdoe")
                    && d.event().getTables().contains("coop.members")
                    && !d.time().isBefore(t.start())
                    && !d.time().isAfter(t.end())) {
                jdoeMemberRowsInWindow += d.event().getRowsReturned();
            }
        }
        assertThat(events).isBetween(50_000L, 300_000L);
        assertThat(jdoeMemberRowsInWindow).isEqualTo(t.rows()).isBetween(500_000L, 2_000_000L);
    }

    @Test
    void standardPresetHasEveryKindAtLeastTwiceInTheLastFourteenDays() {
        SimulationSpec spec = SimulationSpec.standard(11);
        WorkloadSimulator sim = new WorkloadSimulator(spec);
        Map<ScenarioKind, Set<String>> scenariosByKind = new EnumMap<>(ScenarioKind.class);
        Instant windowStart = spec.start().plus(Duration.ofDays(spec.days() - 14));
        for (TruthEntry t : sim.truth()) {
            scenariosByKind.computeIfAbsent(t.kind(), k -> new HashSet<>()).add(t.scenarioId());
            assertThat(t.start()).isAfterOrEqualTo(windowStart);
            assertThat(t.rows()).isPositive();
        }
        for (ScenarioKind k : SimulationSpec.STANDARD_KINDS) {
            assertThat(scenariosByKind.get(k)).as(k.name()).hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(scenariosByKind).containsOnlyKeys(SimulationSpec.STANDARD_KINDS);
        assertThat(sim.truth())
                .filteredOn(t -> t.kind() == ScenarioKind.MULTI_ACCOUNT)
                .extracting(TruthEntry::account)
                .doesNotHaveDuplicates()
                .hasSize(6);
        assertThat(sim.truth())
                .filteredOn(t -> t.kind() == ScenarioKind.READ_THEN_EGRESS)
                .allSatisfy(t -> assertThat(t.egressDstIp()).isNotNull());
        assertThat(sim.accounts()).hasSizeBetween(55, 65);
        assertThat(sim.stream().count()).isBetween(300_000L, 2_500_000L);
    }

    @Test
    void backupJobReadsTheWholeMemberTableEveryNightAtAboutTwo() {
        WorkloadSimulator sim = new WorkloadSimulator(SHORT_DEMO);
        TableCatalog catalog = new TableCatalog(SHORT_DEMO);
        Map<LocalDate, Long> rowsPerNight = new TreeMap<>();
        sim.forEach(
                db -> {
                    if (db.getAccount().equals("bkp_nightly") && db.getTables().equals(List.of("coop.members"))) {
                        var at = db.getEventTime().atZone(ZoneOffset.UTC);
                        assertThat(at.toLocalTime()).isBetween(LocalTime.of(1, 45), LocalTime.of(3, 0));
                        rowsPerNight.merge(at.toLocalDate(), db.getRowsReturned(), Long::sum);
                    }
                },
                eg -> {});
        assertThat(rowsPerNight).hasSize(SHORT_DEMO.days());
        int day = 0;
        long previous = 0;
        for (long rows : rowsPerNight.values()) {
            assertThat(rows).isEqualTo(catalog.rows("coop.members", day++)).isBetween(1_500_000L, 2_500_000L);
            assertThat(rows).isGreaterThanOrEqualTo(previous);
            previous = rows;
        }
    }

    @Test
    void dbaCountStarReturnsOneRowButExaminesTheTable() {
        List<DbAccessEvent> counts = new ArrayList<>();
        new WorkloadSimulator(SHORT_DEMO)
                .forEach(
                        db -> {
                            if (db.getStatementFingerprint().startsWith("SELECT COUNT(*)")) {
                                counts.add(db);
                            }
                        },
                        eg -> {});
        assertThat(counts).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getAccount()).startsWith("dba_");
            assertThat(e.getRowsReturned()).isEqualTo(1);
            assertThat(e.getRowsExamined()).isGreaterThanOrEqualTo(50_000L);
        });
    }

    @Test
    void eventsCarryCanonicalShape() {
        new WorkloadSimulator(SHORT_DEMO)
                .forEach(
                        db -> {
                            assertThat(db.getSourceFormat()).isEqualTo("simulated");
                            assertThat(db.getClientIp()).startsWith("10.");
                            assertThat(db.getTables())
                                    .isNotEmpty()
                                    .allSatisfy(t -> assertThat(t).matches("[a-z_]+\\.[a-z_]+"));
                            assertThat(db.getStatementFingerprint()).doesNotContainPattern("\\d{3,}|'");
                            assertThat(db.getRowsExamined()).isGreaterThanOrEqualTo(db.getRowsReturned());
                            assertThat(db.getSessionId()).matches("\\d+");
                        },
                        eg -> {
                            assertThat(eg.getSrcIp()).startsWith("10.");
                            assertThat(eg.getBytesOut()).isPositive();
                        });
    }

    @Test
    void readThenEgressUploadsAboutTheReadSizeToANeverSeenAddressSoonAfter() {
        SimulationSpec spec = SHORT_DEMO.withScenarios(List.of(ScenarioSpec.random(ScenarioKind.READ_THEN_EGRESS)));
        WorkloadSimulator sim = new WorkloadSimulator(spec);
        TruthEntry t = sim.truth().get(0);
        List<EgressEvent> toTarget = new ArrayList<>();
        List<DbAccessEvent> reads = new ArrayList<>();
        Set<String> otherDestinations = new HashSet<>();
        sim.forEach(
                db -> {
                    if (db.getAccount().equals(t.account()) && db.getRowsReturned() >= 10_000) {
                        reads.add(db);
                    }
                },
                eg -> {
                    if (eg.getDstIp().equals(t.egressDstIp())) {
                        toTarget.add(eg);
                    } else {
                        otherDestinations.add(eg.getDstIp());
                    }
                });
        assertThat(otherDestinations).doesNotContain(t.egressDstIp());
        assertThat(toTarget)
                .hasSizeGreaterThanOrEqualTo(5)
                .allSatisfy(e -> assertThat(e.getSrcIp()).isEqualTo(t.clientIp()));
        long bytes = toTarget.stream().mapToLong(EgressEvent::getBytesOut).sum();
        assertThat(bytes).isEqualTo(t.rows() * TableCatalog.BYTES_PER_ROW);
        Instant lastRead = reads.get(reads.size() - 1).getEventTime();
        assertThat(Duration.between(lastRead, toTarget.get(0).getEventTime()))
                .isBetween(Duration.ZERO, Duration.ofMinutes(30));
    }

    @Test
    void everyScenarioKindCanBeInjectedIntoAShortRun() {
        List<ScenarioSpec> all = new ArrayList<>();
        for (ScenarioKind k : ScenarioKind.values()) {
            all.add(ScenarioSpec.random(k));
        }
        SimulationSpec spec = SimulationSpec.standard(3)
                .withDays(8)
                .withPopulation(new Population(12, 1, 1, 1, 1, 1, 300, 0.1))
                .withScenarios(all);
        WorkloadSimulator sim = new WorkloadSimulator(spec);
        assertThat(sim.truth()).extracting(TruthEntry::kind).containsAll(List.of(ScenarioKind.values()));
        TruthEntry service = sim.truth().stream()
                .filter(t -> t.kind() == ScenarioKind.COMPROMISED_SERVICE)
                .findFirst()
                .orElseThrow();
        int hour = service.start().atZone(ZoneOffset.UTC).getHour();
        assertThat(hour).isBetween(0, 4);
        TruthEntry offHours = sim.truth().stream()
                .filter(t -> t.kind() == ScenarioKind.OFF_HOURS)
                .findFirst()
                .orElseThrow();
        assertThat(offHours.rows()).isEqualTo(200_000);
        TruthEntry fresh = sim.truth().stream()
                .filter(t -> t.kind() == ScenarioKind.NEW_ACCOUNT)
                .findFirst()
                .orElseThrow();
        assertThat(sim.accounts()).extracting(Account::name).doesNotContain(fresh.account());
    }

    @Test
    void lowAndSlowReadsTwentyToFiftyThousandRowsOnEachOfThreeToFiveWorkingDays() {
        SimulationSpec spec = SimulationSpec.demo()
                .withDays(14)
                .withScenarios(List.of(new ScenarioSpec(ScenarioKind.LOW_AND_SLOW, "asmith", null, 2, null, null)));
        WorkloadSimulator sim = new WorkloadSimulator(spec);
        TruthEntry t = sim.truth().get(0);
        Map<LocalDate, Long> perDay = new TreeMap<>();
        sim.forEach(
                db -> {
                    if (db.getAccount().equals("asmith") && db.getSessionId().endsWith("901")) {
                        var at = db.getEventTime().atZone(ZoneOffset.UTC);
                        assertThat(at.getDayOfWeek().getValue()).isLessThanOrEqualTo(5);
                        assertThat(at.getHour()).isBetween(9, 16);
                        perDay.merge(at.toLocalDate(), db.getRowsReturned(), Long::sum);
                    }
                },
                eg -> {});
        assertThat(perDay).hasSizeBetween(3, 5);
        assertThat(perDay.values()).allSatisfy(rows -> assertThat(rows).isBetween(20_000L, 50_000L));
        assertThat(perDay.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(t.rows());
    }
}
