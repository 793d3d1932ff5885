package org.exfilguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.junit.jupiter.api.Test;

/** Each later scenario kind writes what its truth says, with magnitudes inside the documented ranges. */
class ExtendedScenariosTest {
    private static final long[] SEEDS = {1, 2, 3};

    /** A short run with the given kinds placed at random, and every event kept for checking. */
    private record Run(WorkloadSimulator sim, List<DbAccessEvent> reads, List<EgressEvent> flows) {
        static Run of(long seed, ScenarioSpec... scenarios) {
            SimulationSpec spec = SimulationSpec.standard(seed)
                    .withDays(14)
                    .withPopulation(new Population(30, 1, 1, 0, 1, 0, 200, 0.0))
                    .withScenarios(List.of(scenarios));
            WorkloadSimulator sim = new WorkloadSimulator(spec);
            List<DbAccessEvent> reads = new ArrayList<>();
            List<EgressEvent> flows = new ArrayList<>();
            sim.forEach(reads::add, flows::add);
            return new Run(sim, reads, flows);
        }

        List<TruthEntry> truth(ScenarioKind kind) {
            return sim.truth().stream().filter(t -> t.kind() == kind).toList();
        }

        /** The scenario's own reads: its session, the truth's account, table and span. */
        List<DbAccessEvent> scenarioReads(TruthEntry t, int connection) {
            return reads.stream()
                    .filter(e -> e.getAccount().equals(t.account())
                            && e.getTables().contains(t.table())
                            && e.getSessionId().endsWith(Integer.toString(connection))
                            && !e.getEventTime().isBefore(t.start())
                            && !e.getEventTime().isAfter(t.end()))
                    .toList();
        }

        List<EgressEvent> flowsTo(TruthEntry t) {
            return flows.stream()
                    .filter(f -> f.getDstIp().equals(t.egressDstIp()))
                    .toList();
        }
    }

    private static long rows(List<DbAccessEvent> reads) {
        return reads.stream().mapToLong(DbAccessEvent::getRowsReturned).sum();
    }

    private static long bytes(List<EgressEvent> flows) {
        return flows.stream().mapToLong(EgressEvent::getBytesOut).sum();
    }

    private static double hourOfDay(Instant t) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        return z.getHour() + z.getMinute() / 60.0;
    }

    @Test
    void nightReadPagesThroughAFewThousandCardRowsAtNightThenUploadsFiveToTwentyMegabytes() {
        for (long seed : SEEDS) {
            Run run = Run.of(seed, ScenarioSpec.random(ScenarioKind.NIGHT_READ));
            TruthEntry t = run.truth(ScenarioKind.NIGHT_READ).get(0);
            assertThat(t.table()).isEqualTo("coop.member_cards");
            List<DbAccessEvent> reads = run.scenarioReads(t, 905);
            assertThat(rows(reads)).isEqualTo(t.rows()).isBetween(1_500L, 9_000L);
            assertThat(reads).allSatisfy(e -> assertThat(e.getRowsReturned()).isBetween(1L, 500L));
            Duration readSpan = Duration.between(
                    reads.get(0).getEventTime(), reads.get(reads.size() - 1).getEventTime());
            assertThat(readSpan).isBetween(Duration.ofMinutes(15), Duration.ofMinutes(40));
            assertThat(hourOfDay(t.start())).isBetween(0.5, 4.0);
            List<EgressEvent> upload = run.flowsTo(t);
            assertThat(bytes(upload)).isBetween(5_000_000L, 20_000_000L);
            assertThat(upload).allSatisfy(f -> {
                assertThat(f.getSrcIp()).isEqualTo(t.clientIp());
                assertThat(f.getEventTime()).isAfter(reads.get(reads.size() - 1).getEventTime());
            });
            assertThat(upload.get(upload.size() - 1).getEventTime()).isEqualTo(t.end());
        }
    }

    @Test
    void slowDriftReadsTheSameFewHundredRowsInEveryWorkingHourOfFiveWorkingDays() {
        for (long seed : SEEDS) {
            Run run = Run.of(seed, ScenarioSpec.random(ScenarioKind.SLOW_DRIFT));
            TruthEntry t = run.truth(ScenarioKind.SLOW_DRIFT).get(0);
            List<DbAccessEvent> reads = run.scenarioReads(t, 906);
            assertThat(rows(reads)).isEqualTo(t.rows());
            Map<String, Long> perHour = reads.stream()
                    .collect(Collectors.groupingBy(
                            e -> e.getEventTime()
                                    .atZone(ZoneOffset.UTC)
                                    .withMinute(0)
                                    .withSecond(0)
                                    .withNano(0)
                                    .toString(),
                            TreeMap::new,
                            Collectors.summingLong(DbAccessEvent::getRowsReturned)));
            assertThat(perHour).hasSize(5 * 8);
            assertThat(new HashSet<>(perHour.values())).hasSize(1);
            assertThat(perHour.values().iterator().next()).isBetween(150L, 600L);
            Set<LocalDate> days = reads.stream()
                    .map(e -> LocalDate.ofInstant(e.getEventTime(), ZoneOffset.UTC))
                    .collect(Collectors.toSet());
            assertThat(days)
                    .hasSize(5)
                    .allSatisfy(d -> assertThat(d.getDayOfWeek().getValue()).isLessThan(6));
            assertThat(reads)
                    .allSatisfy(e -> assertThat(hourOfDay(e.getEventTime())).isBetween(9.0, 17.0));
            assertThat(t.rows()).isLessThan(50_000);
        }
    }

    @Test
    void concurrentReadersAreFourToEightAnalystsStartingTogetherAtAnOrdinaryRate() {
        for (long seed : SEEDS) {
            Run run = Run.of(seed, ScenarioSpec.random(ScenarioKind.CONCURRENT_READERS));
            List<TruthEntry> entries = run.truth(ScenarioKind.CONCURRENT_READERS);
            assertThat(entries)
                    .hasSizeBetween(4, 8)
                    .extracting(TruthEntry::account)
                    .doesNotHaveDuplicates();
            assertThat(entries)
                    .extracting(TruthEntry::scenarioId)
                    .containsOnly(entries.get(0).scenarioId());
            Instant first = entries.stream()
                    .map(TruthEntry::start)
                    .min(Instant::compareTo)
                    .orElseThrow();
            for (TruthEntry t : entries) {
                assertThat(Duration.between(first, t.start())).isLessThan(Duration.ofMinutes(5));
                List<DbAccessEvent> reads = run.scenarioReads(t, 907);
                assertThat(rows(reads)).isEqualTo(t.rows());
                Duration span = Duration.between(t.start(), t.end());
                assertThat(span).isBetween(Duration.ofMinutes(44), Duration.ofMinutes(120));
                double perFiveMinutes = t.rows() / (span.toMinutes() / 5.0);
                assertThat(perFiveMinutes).isBetween(550.0, 1_650.0);
            }
        }
    }

    @Test
    void smallReadEgressReadsAFewThousandMemberRowsInWorkingHoursThenUploads() {
        for (long seed : SEEDS) {
            Run run = Run.of(seed, ScenarioSpec.random(ScenarioKind.SMALL_READ_EGRESS));
            TruthEntry t = run.truth(ScenarioKind.SMALL_READ_EGRESS).get(0);
            assertThat(t.table()).isEqualTo("coop.members");
            List<DbAccessEvent> reads = run.scenarioReads(t, 908);
            assertThat(rows(reads)).isEqualTo(t.rows()).isBetween(2_000L, 9_000L);
            assertThat(hourOfDay(t.start())).isBetween(10.0, 16.0);
            List<EgressEvent> upload = run.flowsTo(t);
            assertThat(bytes(upload)).isBetween(2_000_000L, 20_000_000L);
            assertThat(upload.get(0).getEventTime())
                    .isAfter(reads.get(reads.size() - 1).getEventTime());
        }
    }

    @Test
    void firstDayEgressComesFromAHostThatNeverSentAByteBefore() {
        for (long seed : SEEDS) {
            Run run = Run.of(seed, ScenarioSpec.random(ScenarioKind.FIRST_DAY_EGRESS));
            TruthEntry t = run.truth(ScenarioKind.FIRST_DAY_EGRESS).get(0);
            List<DbAccessEvent> reads = run.scenarioReads(t, 909);
            assertThat(rows(reads)).isEqualTo(t.rows()).isBetween(100_000L, 500_000L);
            assertThat(run.sim().accounts()).extracting(Account::clientIp).doesNotContain(t.clientIp());
            assertThat(run.sim().accounts()).extracting(Account::name).contains(t.account());
            List<EgressEvent> fromHost = run.flows().stream()
                    .filter(f -> f.getSrcIp().equals(t.clientIp()))
                    .toList();
            assertThat(fromHost)
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f.getDstIp()).isEqualTo(t.egressDstIp()));
            assertThat(bytes(fromHost)).isBetween(50_000_000L, 200_000_000L);
            assertThat(LocalDate.ofInstant(fromHost.get(0).getEventTime(), ZoneOffset.UTC))
                    .isEqualTo(LocalDate.ofInstant(t.start(), ZoneOffset.UTC));
        }
    }

    @Test
    void lateShiftMovesOnlyTheAnalystsOwnWorkOfFiveWorkingDaysSixToNineHoursLater() {
        ScenarioSpec late = new ScenarioSpec(ScenarioKind.LATE_SHIFT, "asmith", null, 3, null, null);
        Run shifted = Run.of(1, late);
        Run usual = Run.of(1);
        TruthEntry t = shifted.truth(ScenarioKind.LATE_SHIFT).get(0);
        assertThat(t.kind().benign()).isTrue();
        assertThat(t.rows()).isZero();
        // Days 3, 4, 7, 8, 9 (Thursday to Wednesday); a late day's work may run past midnight, never past 04:00.
        Set<LocalDate> lateDays = Set.of(3, 4, 7, 8, 9).stream()
                .map(d -> LocalDate.of(2026, 3, 2).plusDays(d))
                .collect(Collectors.toSet());
        Predicate<DbAccessEvent> lateDay = e -> e.getAccount().equals("asmith")
                && lateDays.contains(LocalDate.ofInstant(e.getEventTime().minus(Duration.ofHours(4)), ZoneOffset.UTC));
        // On every other day the analyst's work is the same event for event; so is everyone else's.
        assertThat(shifted.reads().stream().filter(lateDay.negate()).toList())
                .isEqualTo(usual.reads().stream().filter(lateDay.negate()).toList());
        List<DbAccessEvent> lateWork = shifted.reads().stream().filter(lateDay).toList();
        assertThat(lateWork).isNotEmpty().allSatisfy(e -> {
            double h = hourOfDay(e.getEventTime());
            assertThat(h >= 13.5 || h < 4).as("%s", e.getEventTime()).isTrue();
            assertThat(e.getEventTime()).isBetween(t.start(), t.end());
        });
        assertThat(usual.reads().stream().filter(lateDay).count()).isEqualTo(lateWork.size());
    }

    @Test
    void periodEndHasEightToSixteenAnalystsReadingAFewThousandMemberRowsOnTheLastWorkingDay() {
        for (long seed : SEEDS) {
            Run run = Run.of(seed, ScenarioSpec.random(ScenarioKind.PERIOD_END));
            List<TruthEntry> entries = run.truth(ScenarioKind.PERIOD_END);
            assertThat(entries)
                    .hasSizeBetween(8, 16)
                    .extracting(TruthEntry::account)
                    .doesNotHaveDuplicates();
            // 14 days from Monday 2 March: the last working day is Friday 13 March.
            assertThat(entries).allSatisfy(t -> {
                assertThat(t.kind().benign()).isTrue();
                assertThat(LocalDate.ofInstant(t.start(), ZoneOffset.UTC)).isEqualTo(LocalDate.of(2026, 3, 13));
                assertThat(rows(run.scenarioReads(t, 910))).isEqualTo(t.rows()).isBetween(3_000L, 12_000L);
                assertThat(hourOfDay(t.start())).isBetween(9.0, 17.0);
            });
        }
    }

    @Test
    void extendedPresetHasEveryKindAfterASevenDayWarmUpAndKeepsTheStandardScenarios() {
        SimulationSpec extended = SimulationSpec.extended(7);
        assertThat(extended.scenarios())
                .startsWith(SimulationSpec.standard(7).scenarios().toArray(ScenarioSpec[]::new));
        WorkloadSimulator sim = new WorkloadSimulator(extended);
        assertThat(sim.truth()).extracting(TruthEntry::kind).containsAll(List.of(ScenarioKind.values()));
        Instant warmupEnd = extended.start().plus(Duration.ofDays(7));
        assertThat(sim.truth()).allSatisfy(t -> assertThat(t.start()).isAfter(warmupEnd));
        assertThat(sim.truth())
                .filteredOn(t -> !t.kind().benign())
                .allSatisfy(t -> assertThat(t.rows()).isPositive());
    }
}
