package org.exfilguard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.Test;

class BenchWorkloadTest {

    private static final Instant START = BenchOptions.BACKLOG_START;

    private static List<DbAccessEvent> backlog(int keys, long seed, long count) {
        List<DbAccessEvent> events = new ArrayList<>();
        BenchWorkload.standard(keys, seed).backlog(count, START, Duration.ofDays(14), events::add);
        return events;
    }

    @Test
    void sameSeedGivesTheSameEvents() {
        assertThat(backlog(1_000, 7, 5_000)).isEqualTo(backlog(1_000, 7, 5_000));
    }

    @Test
    void anotherSeedGivesOtherEvents() {
        assertThat(backlog(1_000, 7, 5_000)).isNotEqualTo(backlog(1_000, 8, 5_000));
    }

    @Test
    void eventTimesAreInOrderAndSpanTheBacklog() {
        List<DbAccessEvent> events = backlog(1_000, 1, 10_000);
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).getEventTime())
                    .isAfterOrEqualTo(events.get(i - 1).getEventTime());
        }
        assertThat(events.get(0).getEventTime()).isEqualTo(START);
        assertThat(events.get(events.size() - 1).getEventTime())
                .isAfter(START.plus(Duration.ofDays(13)))
                .isBefore(START.plus(Duration.ofDays(14)));
    }

    @Test
    void firstPassTouchesEveryKeyOnce() {
        int keys = 2_000;
        Set<String> seen = new HashSet<>();
        BenchWorkload workload = new BenchWorkload(keys, 3, 1.0);
        workload.backlog(
                keys,
                START,
                Duration.ofDays(1),
                e -> seen.add(e.getAccount() + "/" + e.getTables().get(0)));
        assertThat(seen).hasSize(keys);
        assertThat(workload.accounts()).isEqualTo(keys / 2);
    }

    @Test
    void mixIsMostlySensitiveSmallReadsWithAFewBigOnes() {
        List<DbAccessEvent> events = backlog(10_000, 5, 100_000);
        long sensitive = events.stream()
                .filter(e ->
                        BenchWorkload.SENSITIVE_TABLES.contains(e.getTables().get(0)))
                .count();
        long small = events.stream().filter(e -> e.getRowsReturned() <= 20).count();
        long big = events.stream().filter(e -> e.getRowsReturned() >= 20_000).count();
        assertThat(sensitive).isBetween(83_000L, 87_000L);
        assertThat(small).isBetween(88_000L, 92_000L);
        assertThat(big).isBetween(50L, 200L);
    }

    @Test
    void rolesMixKeepsEachAccountToItsOwnVolumesWithRareExtractions() {
        BenchWorkload workload = BenchWorkload.of(2_000, 5, BenchWorkload.Mix.ROLES);
        java.util.Map<String, long[]> range = new java.util.HashMap<>();
        long[] extractions = {0};
        workload.backlog(400_000, START, Duration.ofDays(14), e -> {
            long rows = e.getRowsReturned();
            if (rows >= BenchWorkload.ROLES_EXTRACTION_MIN_ROWS) {
                extractions[0]++;
                return;
            }
            range.merge(e.getAccount(), new long[] {rows, rows}, (a, b) ->
                    new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        });
        // Every account stays inside one role's band of row counts.
        long[][] bands = {{1, 200}, {20, 2_000}, {2_000, 20_000}, {20_000, 220_000}};
        assertThat(range.values())
                .allSatisfy(r -> assertThat(java.util.Arrays.stream(bands).anyMatch(b -> r[0] >= b[0] && r[1] <= b[1]))
                        .as("rows %d..%d within one band", r[0], r[1])
                        .isTrue());
        long apps = range.values().stream().filter(r -> r[1] <= 200).count();
        long bulk = range.values().stream().filter(r -> r[0] >= 20_000).count();
        assertThat(apps).as("about 70% applications").isBetween(630L, 770L);
        assertThat(bulk).as("about 1% bulk jobs").isBetween(2L, 25L);
        assertThat(extractions[0]).as("about one extraction in 100,000 events").isBetween(1L, 12L);
        // Same seed, same events.
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        BenchWorkload.of(2_000, 5, BenchWorkload.Mix.ROLES)
                .backlog(5_000, START, Duration.ofDays(1), e -> first.add(e.getRowsReturned()));
        BenchWorkload.of(2_000, 5, BenchWorkload.Mix.ROLES)
                .backlog(5_000, START, Duration.ofDays(1), e -> second.add(e.getRowsReturned()));
        assertThat(first).isEqualTo(second);
    }

    @Test
    void extractionReadsTheMemberTableInBulk() {
        DbAccessEvent grab = BenchWorkload.extraction(12, 500_000, START);
        assertThat(grab.getAccount()).isEqualTo(BenchWorkload.account(12));
        assertThat(grab.getTables()).containsExactly("coop.members");
        assertThat(grab.getRowsReturned()).isEqualTo(500_000);
    }

    @Test
    void refusesFewerThanTwoKeys() {
        assertThatThrownBy(() -> new BenchWorkload(1, 1, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentileIsNearestRank() {
        List<Double> sorted = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            sorted.add((double) i);
        }
        assertThat(LatencyBench.percentile(sorted, 0.5)).isEqualTo(50.0);
        assertThat(LatencyBench.percentile(sorted, 0.99)).isEqualTo(99.0);
        assertThat(LatencyBench.percentile(sorted, 1.0)).isEqualTo(100.0);
        assertThat(LatencyBench.percentile(List.of(), 0.5)).isNaN();
    }
}
