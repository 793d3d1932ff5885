package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.sim.Population;
import org.exfilguard.sim.SimulationSpec;
import org.exfilguard.sim.WorkloadSimulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Held reads after restarts (DetectorRestartIT's workload on four read tasks, {@link PeerDaysCluster}): every read
 * held for the shared peer baselines is judged once the other tasks have moved on, whatever was lost in a crash, and
 * a task whose reads have ended declares its days over within a bounded wall time, also when every punctuation comes
 * late (a loaded machine) and when it holds reads itself.
 */
class PeerDaysRestartTest {

    /** DetectorRestartIT's workload: the demo's fortnight with a quieter service account. */
    static final SimulationSpec WORKLOAD =
            SimulationSpec.demo().withPopulation(new Population(21, 1, 1, 1, 1, 0, 200, 0.0));

    private static final Duration FOLLOW = Duration.ofMillis(Correlation.DEFAULT_FOLLOW_MS);
    private static final long MARCH_10 = 20522;

    private static List<DbAccessEvent> input;
    private static List<String> reference;

    @BeforeAll
    static void uninterrupted() {
        input = new ArrayList<>();
        new WorkloadSimulator(WORKLOAD).forEach(input::add, egress -> {});
        PeerDaysCluster cluster = new PeerDaysCluster(4, input, FOLLOW);
        cluster.runToEnd(new Random(1), 0.02, 0);
        assertThat(cluster.heldTotal())
                .as("reads held at the end of an uninterrupted run")
                .isZero();
        reference = PeerDaysCluster.ids(cluster.published());
        assertThat(reference).as("the workload's alerts").hasSizeGreaterThan(10);
    }

    private static long day(DbAccessEvent event) {
        return Math.floorDiv(event.getEventTime().toEpochMilli(), 86_400_000L);
    }

    /**
     * Crashes at random points (exactly-once: state, sent peer days and offsets roll back to the last commit) and no
     * wall-clock punctuation at all: every partition has reads up to the last day, so the held reads are judged by
     * the other tasks' peer days alone, and the alerts are the uninterrupted run's.
     */
    @Test
    void crashesAtRandomPointsLeaveNoReadHeldWithoutAnyWallClock() {
        for (int seed = 2; seed <= 3; seed++) {
            PeerDaysCluster cluster = new PeerDaysCluster(4, input, FOLLOW);
            cluster.runToEnd(new Random(seed), 0.02, 0.002);
            assertThat(cluster.heldTotal()).as("reads still held, seed " + seed).isZero();
            assertThat(PeerDaysCluster.ids(cluster.published()))
                    .as("alert ids, seed " + seed)
                    .isEqualTo(reference);
        }
    }

    /**
     * Partition 3's reads end on March 10 while the others go on to March 16: the others' reads of the days after
     * are held until task 3 declares those days over, which only a quiet task's follow (wall time) can do. Every
     * punctuation here comes 500 ms after the one before (the stream thread busy elsewhere: a loaded machine); the
     * follow must still come within its bound (5 x correlation.follow.ms after the task's last read), not never.
     */
    @Test
    void aTaskWhoseReadsEndedFollowsWithinItsBoundWhenEveryPunctuationIsLate() {
        PeerDaysCluster cluster = new PeerDaysCluster(4, input, FOLLOW);
        cluster.reads(3).removeIf(e -> day(e) > MARCH_10);
        cluster.runToEnd(new Random(4), 0.02, 0);
        assertThat(cluster.heldTotal())
                .as("reads of the days after March 10 wait for partition 3")
                .isPositive();
        // The first punctuation after the reads starts the quiet time; then one every 500 ms (late: over 2 x 200 ms).
        long span = punctuatePastTheQuietBound(cluster, 500);
        assertThat(cluster.heldTotal())
                .as("reads still held " + span + " ms of late punctuations after partition 3's last read")
                .isZero();
    }

    /**
     * At least once: task 2, whose reads end on March 9 (the other tasks go on), crashes after its first read of that
     * day moved it on and its state was flushed, but before the peer day it sent then (March 6, and the weekend, are
     * over) reached the broker. The others hold their cold-start reads of the days after for task 2, and their clock
     * stays behind task 2's, so its follow never moves it on: they would wait for good for a day task 2 believes it
     * has sent. A restarted task announces its day at its first punctuation, and follows on from there.
     */
    @Test
    void aPeerDayLostInAnAtLeastOnceCrashIsAnnouncedAgainAtStart() {
        PeerDaysCluster cluster = new PeerDaysCluster(4, input, FOLLOW);
        long march9 = MARCH_10 - 1;
        cluster.reads(2).removeIf(e -> day(e) > march9);
        List<DbAccessEvent> lastDay =
                cluster.reads(2).stream().filter(e -> day(e) == march9).toList();
        cluster.reads(2).removeAll(lastDay);
        cluster.runToEnd(new Random(5), 0.02, 0);
        cluster.reads(2).addAll(lastDay);
        cluster.step(2);
        cluster.crashLosingSends(2);
        cluster.runToEnd(new Random(6), 0.02, 0);
        assertThat(cluster.heldTotal())
                .as("before any punctuation: the others' reads wait for task 2's lost day")
                .isPositive();
        long span = punctuatePastTheQuietBound(cluster, 200);
        assertThat(cluster.heldTotal())
                .as("reads still held " + span + " ms of punctuations after task 2's restart")
                .isZero();
    }

    /**
     * Punctuates every task every {@code everyMillis} of wall time, running what each punctuation releases, until a
     * second past the quiet bound; returns that span.
     */
    private static long punctuatePastTheQuietBound(PeerDaysCluster cluster, long everyMillis) {
        long wall = 2_000_000L;
        long span = ReadProfileSupplier.QUIET_BOUND_FACTOR * FOLLOW.toMillis() + 1_000;
        for (long t = 0; t <= span; t += everyMillis) {
            cluster.punctuateAll(wall + t);
            cluster.runToEnd(new Random(t), 1, 0);
        }
        return span;
    }
}
