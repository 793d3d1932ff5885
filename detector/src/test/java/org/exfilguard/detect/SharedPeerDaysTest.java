package org.exfilguard.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.exfilguard.detect.SharedPeerDays.Contribution;
import org.exfilguard.detect.SharedPeerDays.Recorder;
import org.junit.jupiter.api.Test;

class SharedPeerDaysTest {

    private static final int ACCOUNTS = 60;
    private static final int DAYS = 30;
    private static final List<String> SCOPES = List.of("coop.members", "coop.member_cards", "*");
    private static final List<String> WINDOWS = List.of("15m", "1h");

    /** One read of an account: on {@code day}, it closes its previous read day with {@code peak} per scope. */
    private record Read(String account, long day, long closedDay, double peak) {}

    /**
     * The reads of a population: each account reads on some days; its first read of a day closes its last read day,
     * whose clean peak (account- and day-dependent) it then teaches, as {@code ReadDetector.observe} does.
     */
    private static List<Read> reads(long seed) {
        Random random = new Random(seed);
        List<Read> reads = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            String account = "acct" + a;
            double level = 100 + random.nextInt(20_000);
            long last = -1;
            for (long day = 100; day < 100 + DAYS; day++) {
                if (random.nextInt(4) == 0) {
                    continue;
                }
                double peak = last < 0 ? 0 : Math.round(level * (0.5 + random.nextDouble()));
                reads.add(new Read(account, day, last, peak));
                last = day;
            }
        }
        reads.sort((x, y) -> Long.compare(x.day(), y.day()));
        return reads;
    }

    /** What each of {@code partitions} read tasks contributes, in its own order, accounts split by name hash. */
    private static List<Deque<Contribution>> contributions(List<Read> reads, int partitions) {
        List<Recorder> recorders = new ArrayList<>();
        List<Deque<Contribution>> sent = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            recorders.add(new Recorder(p));
            sent.add(new ArrayDeque<>());
        }
        for (Read read : reads) {
            int p = Math.floorMod(read.account().hashCode(), partitions);
            // A restarted task reads its recorder back.
            Recorder recorder = Recorder.decode(recorders.get(p).encode());
            recorders.set(p, recorder);
            Contribution done = recorder.advance(read.day());
            if (done != null) {
                // As the contributions topic carries it.
                sent.get(p).add(Contribution.decode(done.encode()));
            }
            if (read.peak() > 0) {
                for (String scope : SCOPES) {
                    for (String window : WINDOWS) {
                        recorder.add(scope, window, read.peak() * (window.equals("1h") ? 3 : 1));
                    }
                }
            }
        }
        for (int p = 0; p < partitions; p++) {
            sent.get(p).add(recorders.get(p).finish());
        }
        return sent;
    }

    /**
     * One read task's view, day by day: every partition's contributions arrive interleaved at random (each
     * partition's in its own order); the baselines of a day are read as soon as the day is ready. Returns, per day,
     * each key's count, 75th percentile, the rank of 5,000 rows, and whether a 20,000-row read is over twice the median.
     */
    private static Map<Long, List<String>> judged(List<Deque<Contribution>> sent, int partitions, long order) {
        Random random = new Random(order);
        List<Deque<Contribution>> queues = sent.stream()
                .map(ArrayDeque::new)
                .map(q -> (Deque<Contribution>) q)
                .toList();
        SharedPeerDays shared = new SharedPeerDays(partitions);
        Map<Long, List<String>> seen = new TreeMap<>();
        long next = 100;
        while (queues.stream().anyMatch(q -> !q.isEmpty())) {
            List<Deque<Contribution>> open =
                    queues.stream().filter(q -> !q.isEmpty()).toList();
            assertTrue(shared.accept(open.get(random.nextInt(open.size())).poll()));
            if (random.nextInt(3) == 0) {
                // A restarted task reads its stored state back.
                shared = SharedPeerDays.decode(shared.encode(), partitions);
            }
            while (next <= 100 + DAYS && shared.ready(next)) {
                PeerBaselines peers = shared.forDay(next);
                List<String> line = new ArrayList<>();
                for (String scope : SCOPES) {
                    for (String window : WINDOWS) {
                        double q = peers.quantile(scope, window, 0.75);
                        boolean alert =
                                peers.count(scope, window) >= 5 && 20_000 > 2 * peers.quantile(scope, window, 0.5);
                        line.add(scope + "|" + window + " n=" + peers.count(scope, window) + " q75="
                                + Double.doubleToLongBits(q) + " rank=" + peers.rank(scope, window, 5_000) + " alert="
                                + alert);
                    }
                }
                seen.put(next, line);
                next++;
            }
        }
        return seen;
    }

    @Test
    void theSameAccountDaysGiveTheSameBaselinesWithOneOrFourPartitionsInAnyOrderOfArrival() {
        List<Read> reads = reads(7);
        Map<Long, List<String>> one = judged(contributions(reads, 1), 1, 1);
        assertEquals(DAYS + 1, one.size(), "every day is judged once its earlier days are complete");
        for (long order = 1; order <= 5; order++) {
            assertEquals(one, judged(contributions(reads, 4), 4, order), "4 partitions, arrival order " + order);
            assertEquals(one, judged(contributions(reads, 3), 3, order), "3 partitions, arrival order " + order);
        }
        // The baselines grow: the last day's population holds every account-day but each account's last.
        long lastCount = reads.stream().filter(r -> r.peak() > 0).count();
        assertTrue(
                one.get(100L + DAYS).get(0).contains(" n=" + lastCount + " "),
                one.get(100L + DAYS).get(0));
        // Some verdicts flip over the month, so the comparison above compares verdicts of both kinds.
        assertTrue(one.values().stream().flatMap(List::stream).anyMatch(l -> l.endsWith("alert=true")));
        assertTrue(one.values().stream().flatMap(List::stream).anyMatch(l -> l.endsWith("alert=false")));
    }

    @Test
    void aDayIsReadyOnlyWhenEveryPartitionHasLeftTheDaysBeforeIt() {
        SharedPeerDays shared = new SharedPeerDays(2);
        Recorder a = new Recorder(0);
        Recorder b = new Recorder(1);
        assertTrue(shared.accept(a.advance(10)));
        a.add("t", "1h", 500);
        assertFalse(shared.ready(10), "partition 1 has not started");
        assertTrue(shared.accept(b.advance(10)));
        assertTrue(shared.ready(10));
        assertEquals(0, shared.forDay(10).count("t", "1h"));
        b.add("t", "1h", 700);
        assertTrue(shared.accept(a.advance(11)));
        assertFalse(shared.ready(11), "partition 1 is still on day 10");
        assertThrows(IllegalStateException.class, () -> shared.forDay(11));
        // Partition 1 is quiet until day 14: days 11..13 are declared empty with its day-10 contribution.
        Contribution b10 = b.advance(14);
        assertEquals(13, b10.through());
        assertTrue(shared.accept(b10));
        assertTrue(shared.ready(11));
        assertFalse(shared.ready(13), "partition 0 has not left day 11");
        assertEquals(2, shared.forDay(11).count("t", "1h"));
        assertEquals(700, shared.forDay(11).quantile("t", "1h", 1.0), 1e-9);
        // A repeated or late contribution would make the baselines depend on timing: refused.
        assertFalse(shared.accept(b10));
        assertTrue(shared.accept(a.finish()));
        assertTrue(shared.ready(14));
        assertFalse(shared.ready(15));
        assertTrue(shared.accept(b.finish()));
        assertTrue(shared.ready(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> shared.accept(new Recorder(2).finish()));
    }

    @Test
    void aQuietPartitionFollowsTheLatestDayAnotherHasMovedTo() {
        SharedPeerDays shared = new SharedPeerDays(3);
        Recorder quiet = new Recorder(0);
        Recorder b = new Recorder(1);
        Recorder c = new Recorder(2);
        assertEquals(Long.MIN_VALUE, shared.clockOfOthers(0), "no other partition has started");
        assertTrue(shared.accept(quiet.advance(10)));
        assertTrue(shared.accept(b.advance(10)));
        assertTrue(shared.accept(c.advance(10)));
        assertEquals(10, shared.clockOfOthers(0));
        assertTrue(shared.accept(b.advance(12)));
        assertTrue(shared.accept(c.advance(11)));
        assertEquals(12, shared.clockOfOthers(0), "the latest day, not the earliest");
        assertEquals(11, shared.clockOfOthers(1), "partition 2 is on day 11; its own day 12 does not count");
        assertFalse(shared.ready(12), "partition 0 is still on day 10");
        // The quiet partition follows: what it learnt on day 10 goes out, and days 10 and 11 are over for it.
        quiet.add("t", "1h", 300);
        Contribution followed = quiet.advance(shared.clockOfOthers(0));
        assertEquals(10, followed.day());
        assertEquals(11, followed.through());
        assertTrue(shared.accept(followed));
        assertTrue(shared.ready(11), "every partition has left day 10");
        assertFalse(shared.ready(12), "partition 2 is on day 11");
        assertTrue(shared.accept(c.finish()));
        assertTrue(shared.ready(12));
        assertEquals(12, shared.clockOfOthers(0), "a partition whose input ended says nothing about the clock");
        assertEquals(1, shared.forDay(12).count("t", "1h"));
    }

    @Test
    void theDaysOwnPeaksCountFromTheNextDayOn() {
        SharedPeerDays shared = new SharedPeerDays(1);
        Recorder only = new Recorder(0);
        assertTrue(shared.accept(only.advance(20)));
        only.add("t", "15m", 1_000);
        assertEquals(0, shared.forDay(20).count("t", "15m"));
        assertTrue(shared.accept(only.advance(21)));
        assertEquals(1, shared.forDay(21).count("t", "15m"));
        assertTrue(Double.isNaN(shared.forDay(21).quantile("other", "15m", 0.5)));
    }

    @Test
    void aStoredStateForAnotherPartitionCountKeepsItsMergedDaysAndStartsEveryPartitionAfterThem() {
        SharedPeerDays four = new SharedPeerDays(4);
        for (int p = 0; p < 4; p++) {
            Recorder recorder = new Recorder(p);
            four.accept(recorder.advance(50));
            recorder.add("t", "1h", 100 * (p + 1));
            four.accept(recorder.advance(52));
        }
        assertEquals(4, four.forDay(51).count("t", "1h"));
        SharedPeerDays two = SharedPeerDays.decode(four.encode(), 2);
        assertEquals(2, two.partitions());
        assertEquals(50, two.completeThrough());
        assertEquals(4, two.forDay(51).count("t", "1h"));
        assertEquals(
                Double.doubleToLongBits(four.forDay(51).quantile("t", "1h", 0.75)),
                Double.doubleToLongBits(two.forDay(51).quantile("t", "1h", 0.75)));
        assertFalse(two.ready(52), "the new partitions have not contributed day 51");
        byte[] future = four.encode();
        future[0] = 9;
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SharedPeerDays.decode(future, 4));
        assertEquals("shared peer state has layout version 9; this detector reads 1", e.getMessage());
        byte[] contribution = new Recorder(3).finish().encode();
        assertEquals("3|0", Contribution.decode(contribution).recordKey());
        contribution[0] = 0;
        assertThrows(IllegalArgumentException.class, () -> Contribution.decode(contribution));
        byte[] recorder = new Recorder(0).encode();
        recorder[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> Recorder.decode(recorder));
    }

    @Test
    void aDayWithAHeldReadIsHandedOverOnlyOnceTheReadHasTaughtIt() {
        SharedPeerDays shared = new SharedPeerDays(1);
        Recorder recorder = new Recorder(0);
        recorder.advance(10, Long.MAX_VALUE).forEach(shared::accept);
        recorder.add(10, "t", "1h", 100);
        // A read of day 10 is held; the clock moves on to day 12 with reads judged at once, which teach day 12.
        List<Contribution> held = recorder.advance(12, 10);
        assertTrue(held.isEmpty(), "day 10 stays open while its read is held: " + held);
        recorder.add(12, "t", "1h", 300);
        recorder = Recorder.decode(recorder.encode());
        assertFalse(shared.ready(11));
        // The held read is judged: it teaches day 10, then days 10 and 11 go out, day 12 (the clock's) stays open.
        recorder.add(10, "t", "1h", 200);
        List<Contribution> released = recorder.advance(12, Long.MAX_VALUE);
        assertEquals(1, released.size());
        assertEquals(10, released.get(0).day());
        assertEquals(11, released.get(0).through());
        assertEquals(2, released.get(0).peaks().get(SharedPeerDays.key("t", "1h")).length);
        released.forEach(c -> assertTrue(shared.accept(Contribution.decode(c.encode()))));
        assertTrue(shared.ready(12));
        assertEquals(2, shared.forDay(12).count("t", "1h"));
        Recorder fresh = recorder;
        assertThrows(IllegalStateException.class, () -> fresh.add(11, "t", "1h", 1), "day 11 was handed over");
        List<Contribution> end = recorder.finishAll();
        assertEquals(List.of(12L), end.stream().map(Contribution::day).toList());
        assertEquals(Long.MAX_VALUE, end.get(0).through());
    }

    @Test
    void aRecorderOfLayoutOneIsReadBackWithItsOpenDay() {
        // Layout 1: version, partition, day, then the day's peaks per key.
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(1 + 4 + 8 + 4 + 2 + 4 + 4 + 8);
        v1.put((byte) 1).putInt(2).putLong(30).putInt(1);
        v1.putShort((short) 4).put("t|1h".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        v1.putInt(1).putDouble(42);
        Recorder recorder = Recorder.decode(v1.array());
        assertEquals(30, recorder.day());
        Contribution done = recorder.advance(31);
        assertEquals("2|30", done.recordKey());
        assertEquals(30, done.through());
        assertEquals(42, done.peaks().get("t|1h")[0], 1e-9);
    }
}
