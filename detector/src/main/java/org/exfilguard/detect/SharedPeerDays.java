package org.exfilguard.detect;

import com.tdunning.math.stats.MergingDigest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Peer baselines shared by every read task and independent of how accounts are split over them.
 *
 * <p>Each read task records the clean daily peaks it learns during one event day (what it would have added to its own
 * baseline) and, once its clock has left that day, hands them over as one {@link Contribution} of its partition for
 * that day; every task receives every partition's contributions. The baseline that judges the events of day {@code E}
 * holds exactly the peaks contributed for the days up to {@code E - LAG}, by every partition: it is usable only when each
 * of the {@link #partitions()} read partitions has contributed (or declared empty) every one of those days
 * ({@link #ready(long)}). The digests are built day by day, each day's peaks per (scope, window) sorted before they are
 * added, so every task, with any number of partitions and in any order of arrival, holds bit for bit the same digest:
 * the same account-days give the same cold-start thresholds with 1 or 4 partitions.
 *
 * <p>Compared with a task's own baseline (a peak counts from the next event on), a peak counts from the next day on
 * ({@link #LAG}): the peer baselines learn from daily peaks at day end anyway.
 */
public final class SharedPeerDays {

    private static final double COMPRESSION = 100;

    /**
     * The peaks one partition learnt during one event day, per baseline key ({@code scope|window}); {@code day} is
     * the epoch day. An empty map says the partition learnt nothing that day (its clock still passed it). The
     * partition will contribute nothing more for any day up to {@code through} (at least {@code day}): the days
     * between were quiet, and {@link Long#MAX_VALUE} says its input has ended.
     */
    public record Contribution(int partition, long day, Map<String, double[]> peaks, long through) {
        public Contribution {
            if (partition < 0 || through < day) {
                throw new IllegalArgumentException("peer contribution: partition " + partition + " (not negative), day "
                        + day + ", through " + through + " (not before the day)");
            }
            peaks = Map.copyOf(peaks);
        }

        /**
         * The record key on the contributions topic: {@code partition|day}, one record per partition and day (a
         * compacted topic keeps each, and a repeated send replaces the same key).
         */
        public String recordKey() {
            return partition + "|" + day;
        }

        /** The record value (layout {@value SharedPeerDays#VERSION}): partition, day, through, then each key's peaks. */
        public byte[] encode() {
            Map<String, double[]> sorted = new TreeMap<>(peaks);
            ByteBuffer out = ByteBuffer.allocate(1 + 4 + 8 + 8 + peaksSize(sorted));
            out.put(VERSION).putInt(partition).putLong(day).putLong(through);
            putPeaks(out, sorted);
            return out.array();
        }

        /** The contribution {@link #encode()} wrote; a record of another layout is refused with its version. */
        public static Contribution decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException(
                        "peer contribution has layout version " + version + "; this detector reads " + VERSION);
            }
            int partition = in.getInt();
            long day = in.getLong();
            long through = in.getLong();
            return new Contribution(partition, day, getPeaks(in), through);
        }
    }

    private final int partitions;
    /** Per partition: the last day it has contributed (every earlier day is contributed or was empty). */
    private final long[] through;
    /** Contributions not yet merged: day, then key, then the values of every partition. */
    private final TreeMap<Long, Map<String, List<double[]>>> waiting = new TreeMap<>();

    private final Map<String, MergingDigest> digests = new HashMap<>();
    /** The last day merged into {@link #digests}. */
    private long mergedThrough;

    /** Shared baselines over {@code partitions} read partitions, none of which has contributed yet. */
    public SharedPeerDays(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("shared peers: read partitions at least 1, not " + partitions);
        }
        this.partitions = partitions;
        this.through = new long[partitions];
        Arrays.fill(through, Long.MIN_VALUE);
        this.mergedThrough = Long.MIN_VALUE;
    }

    public int partitions() {
        return partitions;
    }

    /** The last day merged into the baselines (Long.MIN_VALUE before the first): it moves when a day is judged. */
    public long mergedThrough() {
        return mergedThrough;
    }

    /**
     * Takes one partition's contribution. A partition's days come in order; a day it skips had nothing to contribute.
     * A contribution for a day already merged, or repeated, is refused (false): it would make the baselines depend on
     * when it arrived.
     */
    public boolean accept(Contribution contribution) {
        int p = contribution.partition();
        if (p >= partitions) {
            throw new IllegalArgumentException(
                    "peer contribution of partition " + p + ", but there are " + partitions + " read partitions");
        }
        if (contribution.day() <= through[p] || contribution.day() <= mergedThrough) {
            return false;
        }
        through[p] = contribution.through();
        if (!contribution.peaks().isEmpty()) {
            Map<String, List<double[]>> day = waiting.computeIfAbsent(contribution.day(), d -> new HashMap<>());
            contribution
                    .peaks()
                    .forEach((key, values) ->
                            day.computeIfAbsent(key, k -> new ArrayList<>()).add(values));
        }
        return true;
    }

    /** The last day partition {@code p} has contributed (Long.MIN_VALUE before its first). */
    public long through(int p) {
        return through[p];
    }

    /** The last day every partition has contributed: every day up to it is complete. */
    public long completeThrough() {
        long min = Long.MAX_VALUE;
        for (long t : through) {
            min = Math.min(min, t);
        }
        return min;
    }

    /**
     * The read side's clock as the other partitions have told it: the latest day some partition other than
     * {@code self} has moved to (its contribution's {@code through} plus one), or Long.MIN_VALUE before any has; a
     * partition whose input has ended says nothing about the clock. A quiet partition follows it (see
     * {@link Recorder#advance}): the others will need its days before that one.
     */
    public long clockOfOthers(int self) {
        long clock = Long.MIN_VALUE;
        for (int p = 0; p < partitions; p++) {
            if (p != self && through[p] != Long.MIN_VALUE && through[p] != Long.MAX_VALUE) {
                clock = Math.max(clock, through[p] + 1);
            }
        }
        return clock;
    }

    /**
     * Days between a peak and the first day it judges: the events of day {@code E} are judged against the peaks of
     * the days up to {@code E - LAG}, so a read of day {@code E} that needs them waits until every read task has left
     * day {@code E - 1}. Only the reads of accounts judged by their peers (cold start) wait (see the read processor),
     * so one day is enough: with two, a fresh deployment's third day had no peer peaks at all (the standard backtest
     * lost the cold-start incidents of 03-04 to the cold-start floor), and when every read waited (a build before)
     * two days did not save the demo either.
     */
    public static final int LAG = 1;

    /** Whether the baseline for judging the events of {@code day} is complete: every day up to {@code day - LAG} is. */
    public boolean ready(long day) {
        return completeThrough() >= day - LAG;
    }

    /**
     * The baselines that judge the events of {@code day}: every contributed peak of the days up to {@code day - LAG}. Days only move
     * forward: a later call for an earlier day sees the later day's baselines.
     *
     * @throws IllegalStateException when not {@link #ready(long)}
     */
    public PeerBaselines forDay(long day) {
        if (!ready(day)) {
            throw new IllegalStateException("shared peers for day " + day + " wait for partitions still before it");
        }
        while (!waiting.isEmpty() && waiting.firstKey() <= day - LAG) {
            Map.Entry<Long, Map<String, List<double[]>>> next = waiting.pollFirstEntry();
            next.getValue().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> {
                        double[] values = e.getValue().stream()
                                .flatMapToDouble(Arrays::stream)
                                .sorted()
                                .toArray();
                        MergingDigest digest = digests.get(e.getKey());
                        if (digest == null) {
                            digest = new MergingDigest(COMPRESSION);
                        }
                        for (double value : values) {
                            digest.add(value, 1);
                        }
                        // The digest kept is the one read back from its bytes: a restored task holds the same.
                        digests.put(e.getKey(), MergingDigest.fromBytes(ByteBuffer.wrap(bytes(digest))));
                    });
        }
        mergedThrough = Math.max(mergedThrough, day - LAG);
        return view;
    }

    private final PeerBaselines view = new PeerBaselines() {
        @Override
        public long count(String scope, String window) {
            MergingDigest digest = digests.get(key(scope, window));
            return digest == null ? 0 : digest.size();
        }

        @Override
        public double quantile(String scope, String window, double q) {
            MergingDigest digest = digests.get(key(scope, window));
            return digest == null ? Double.NaN : digest.quantile(q);
        }

        @Override
        public double rank(String scope, String window, double value) {
            MergingDigest digest = digests.get(key(scope, window));
            return digest == null ? Double.NaN : digest.cdf(value);
        }

        @Override
        public void add(String scope, String window, double peak) {
            throw new UnsupportedOperationException("shared peers learn through contributions, not from a reader");
        }
    };

    /** The layout version of {@link #encode()}. */
    static final byte VERSION = 1;

    private static byte[] bytes(MergingDigest digest) {
        ByteBuffer buffer = ByteBuffer.allocate(digest.byteSize());
        digest.asBytes(buffer);
        return buffer.array();
    }

    /**
     * The state to store (layout {@value #VERSION}): the read partitions, the day merged through, each partition's
     * day, the merged digests and the contributions waiting to be merged.
     */
    public byte[] encode() {
        Map<String, byte[]> encoded = new TreeMap<>();
        digests.forEach((key, digest) -> encoded.put(key, bytes(digest)));
        int size = 1 + 4 + 8 + 8 * partitions + 4 + 4;
        for (Map.Entry<String, byte[]> e : encoded.entrySet()) {
            size += 2 + utf(e.getKey()).length + 4 + e.getValue().length;
        }
        for (Map<String, List<double[]>> day : waiting.values()) {
            size += 8 + 4;
            for (Map.Entry<String, List<double[]>> e : day.entrySet()) {
                size += 2 + utf(e.getKey()).length + 4;
                for (double[] values : e.getValue()) {
                    size += 4 + 8 * values.length;
                }
            }
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION).putInt(partitions).putLong(mergedThrough);
        for (long t : through) {
            out.putLong(t);
        }
        out.putInt(encoded.size());
        encoded.forEach((key, bytes) -> {
            putUtf(out, key);
            out.putInt(bytes.length).put(bytes);
        });
        out.putInt(waiting.size());
        waiting.forEach((dayNumber, day) -> {
            out.putLong(dayNumber).putInt(day.size());
            day.forEach((key, lists) -> {
                putUtf(out, key);
                out.putInt(lists.size());
                for (double[] values : lists) {
                    out.putInt(values.length);
                    for (double v : values) {
                        out.putDouble(v);
                    }
                }
            });
        });
        return out.array();
    }

    /**
     * The state {@link #encode()} stored, for {@code partitions} read partitions. When the stored state was kept for
     * another partition count, its merged days stay (they hold every partition's peaks of those days, whatever the
     * split) and the contributions not yet merged are dropped: every partition starts after the last merged day.
     */
    public static SharedPeerDays decode(byte[] bytes, int partitions) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte version = in.get();
        if (version != VERSION) {
            throw new IllegalArgumentException(
                    "shared peer state has layout version " + version + "; this detector reads " + VERSION);
        }
        int stored = in.getInt();
        SharedPeerDays state = new SharedPeerDays(partitions);
        state.mergedThrough = in.getLong();
        long[] storedThrough = new long[stored];
        for (int p = 0; p < stored; p++) {
            storedThrough[p] = in.getLong();
        }
        int digestCount = in.getInt();
        for (int i = 0; i < digestCount; i++) {
            String key = getUtf(in);
            byte[] digest = new byte[in.getInt()];
            in.get(digest);
            state.digests.put(key, MergingDigest.fromBytes(ByteBuffer.wrap(digest)));
        }
        boolean same = stored == partitions;
        if (same) {
            System.arraycopy(storedThrough, 0, state.through, 0, partitions);
        } else {
            Arrays.fill(state.through, state.mergedThrough);
        }
        int days = in.getInt();
        for (int d = 0; d < days; d++) {
            long dayNumber = in.getLong();
            int keys = in.getInt();
            Map<String, List<double[]>> day = new HashMap<>();
            for (int k = 0; k < keys; k++) {
                String key = getUtf(in);
                int lists = in.getInt();
                List<double[]> values = new ArrayList<>(lists);
                for (int l = 0; l < lists; l++) {
                    double[] v = new double[in.getInt()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = in.getDouble();
                    }
                    values.add(v);
                }
                day.put(key, values);
            }
            if (same) {
                state.waiting.put(dayNumber, day);
            }
        }
        return state;
    }

    /** The bytes {@link #putPeaks} writes for {@code peaks}. */
    private static int peaksSize(Map<String, double[]> peaks) {
        int size = 4;
        for (Map.Entry<String, double[]> e : peaks.entrySet()) {
            size += 2 + utf(e.getKey()).length + 4 + 8 * e.getValue().length;
        }
        return size;
    }

    /** Each key's peaks, as contributions and the recorder store them: the count, then key, length and values. */
    private static void putPeaks(ByteBuffer out, Map<String, double[]> peaks) {
        out.putInt(peaks.size());
        peaks.forEach((key, values) -> {
            putUtf(out, key);
            out.putInt(values.length);
            for (double v : values) {
                out.putDouble(v);
            }
        });
    }

    private static Map<String, double[]> getPeaks(ByteBuffer in) {
        int keys = in.getInt();
        Map<String, double[]> peaks = new TreeMap<>();
        for (int k = 0; k < keys; k++) {
            String key = getUtf(in);
            double[] values = new double[in.getInt()];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.getDouble();
            }
            peaks.put(key, values);
        }
        return peaks;
    }

    private static byte[] utf(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void putUtf(ByteBuffer out, String text) {
        byte[] bytes = utf(text);
        out.putShort((short) bytes.length).put(bytes);
    }

    private static String getUtf(ByteBuffer in) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The baseline key of a (scope, window), as in contributions. */
    public static String key(String scope, String window) {
        return scope + '|' + window;
    }

    /**
     * What one read task learns during its event days, handed over as contributions once no read of a day can still
     * teach it: the {@link PeerBaselines#add} side of the shared baselines (reads go to {@link SharedPeerDays#forDay}).
     * The task's clock day is the latest event day it has seen; a read is taught in the clock day it arrived in. A
     * read held for the shared baselines is judged (and teaches) later, so the days from its clock day on stay open
     * ({@code heldFrom}) until it is judged: a day's contribution always holds every peak of every read of that day.
     */
    public static final class Recorder {
        /** The layout version of {@link #encode()} (1: the clock day and its peaks only, read back too). */
        static final byte RECORDER_VERSION = 2;

        private final int partition;
        private long day = Long.MIN_VALUE;
        /** The last day contributed: every day up to it has been handed over (Long.MIN_VALUE before the first). */
        private long sentThrough = Long.MIN_VALUE;
        /** Peaks of the days not yet contributed, per day and baseline key. */
        private final TreeMap<Long, Map<String, double[]>> open = new TreeMap<>();

        public Recorder(int partition) {
            this.partition = partition;
        }

        /**
         * Moves the task's clock to {@code eventDay} and returns the contributions of the days it left (possibly
         * one empty one; for the first day, an empty one for the day before it): none, or one. A task's clock never
         * goes back: an older event stays in the current day.
         *
         * @throws IllegalStateException when days are open for held reads: use {@link #advance(long, long)}
         */
        public Contribution advance(long eventDay) {
            List<Contribution> done = advance(eventDay, Long.MAX_VALUE);
            if (done.size() > 1) {
                throw new IllegalStateException("peer recorder: " + done.size() + " days to hand over at once");
            }
            return done.isEmpty() ? null : done.get(0);
        }

        /**
         * Moves the task's clock to {@code eventDay} (never back) and hands over every day before both the clock day
         * and {@code heldFrom} (the clock day of the earliest read still held, or Long.MAX_VALUE): one contribution
         * per day with peaks, in order, the last one (or an empty one) saying the days up to the limit are over.
         */
        public List<Contribution> advance(long eventDay, long heldFrom) {
            day = Math.max(day, eventDay);
            long limit = Math.min(day, heldFrom);
            if (day == Long.MIN_VALUE || limit == Long.MIN_VALUE || limit - 1 <= sentThrough) {
                return List.of();
            }
            List<Contribution> done = new ArrayList<>();
            while (!open.isEmpty() && open.firstKey() < limit) {
                Map.Entry<Long, Map<String, double[]>> first = open.pollFirstEntry();
                long through = open.isEmpty() || open.firstKey() >= limit ? limit - 1 : open.firstKey() - 1;
                done.add(new Contribution(partition, first.getKey(), first.getValue(), through));
            }
            if (done.isEmpty()) {
                // Before its first day a task has nothing to contribute, and says so.
                long first = sentThrough == Long.MIN_VALUE ? limit - 1 : sentThrough + 1;
                done.add(new Contribution(partition, first, Map.of(), limit - 1));
            }
            sentThrough = limit - 1;
            return done;
        }

        /**
         * The task's progress sent again: an empty contribution for the day handed over through (null before the
         * first and after the last). A task that has it already refuses it as a repeat; one that lost the days before
         * it (an at-least-once crash) takes it as the partition's days up to it being over.
         */
        public Contribution announcement() {
            if (sentThrough == Long.MIN_VALUE || sentThrough == Long.MAX_VALUE) {
                return null;
            }
            return new Contribution(partition, sentThrough, Map.of(), sentThrough);
        }

        /** The task's current event day (Long.MIN_VALUE before its first event). */
        public long day() {
            return day;
        }

        /** Records one account-day's clean peak, learnt during the current day. */
        public void add(String scope, String window, double peak) {
            add(day, scope, window, peak);
        }

        /**
         * Records one account-day's clean peak, learnt by a read of clock day {@code readDay} (not yet handed over).
         */
        public void add(long readDay, String scope, String window, double peak) {
            if (readDay <= sentThrough || readDay == Long.MIN_VALUE) {
                throw new IllegalStateException(
                        "peer recorder: a peak of day " + readDay + ", handed over through " + sentThrough);
            }
            open.computeIfAbsent(readDay, d -> new TreeMap<>())
                    .merge(key(scope, window), new double[] {peak}, (a, b) -> {
                        double[] both = Arrays.copyOf(a, a.length + 1);
                        both[a.length] = b[0];
                        return both;
                    });
        }

        /**
         * The recorder's state to store (layout {@value #RECORDER_VERSION}): its day, the day handed over through,
         * and the open days' peaks.
         */
        public byte[] encode() {
            int size = 1 + 4 + 8 + 8 + 4;
            for (Map<String, double[]> peaks : open.values()) {
                size += 8 + peaksSize(peaks);
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.put(RECORDER_VERSION)
                    .putInt(partition)
                    .putLong(day)
                    .putLong(sentThrough)
                    .putInt(open.size());
            open.forEach((openDay, peaks) -> {
                out.putLong(openDay);
                putPeaks(out, peaks);
            });
            return out.array();
        }

        /**
         * The recorder {@link #encode()} stored; layout 1 (one open day, the clock day, whose days before were handed
         * over) is read too.
         */
        public static Recorder decode(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION && version != RECORDER_VERSION) {
                throw new IllegalArgumentException("peer recorder state has layout version " + version
                        + "; this detector reads " + VERSION + " and " + RECORDER_VERSION);
            }
            Recorder recorder = new Recorder(in.getInt());
            recorder.day = in.getLong();
            if (version == VERSION) {
                Map<String, double[]> peaks = getPeaks(in);
                recorder.sentThrough = recorder.day == Long.MIN_VALUE ? Long.MIN_VALUE : recorder.day - 1;
                if (!peaks.isEmpty()) {
                    recorder.open.put(recorder.day, peaks);
                }
                return recorder;
            }
            recorder.sentThrough = in.getLong();
            int days = in.getInt();
            for (int d = 0; d < days; d++) {
                long openDay = in.getLong();
                recorder.open.put(openDay, getPeaks(in));
            }
            return recorder;
        }

        /**
         * Every open day's contribution at the end of input, the last through {@link Long#MAX_VALUE} (nothing more
         * will come); for a task that has not started, or learnt nothing since its last, an empty one that says so.
         */
        public List<Contribution> finishAll() {
            if (sentThrough == Long.MAX_VALUE) {
                return List.of();
            }
            List<Contribution> done = new ArrayList<>();
            while (!open.isEmpty()) {
                Map.Entry<Long, Map<String, double[]>> first = open.pollFirstEntry();
                long through = open.isEmpty() ? Long.MAX_VALUE : open.firstKey() - 1;
                done.add(new Contribution(partition, first.getKey(), first.getValue(), through));
            }
            if (done.isEmpty()) {
                long first = sentThrough == Long.MIN_VALUE ? (day == Long.MIN_VALUE ? 0 : day) : sentThrough + 1;
                done.add(new Contribution(partition, first, Map.of(), Long.MAX_VALUE));
            }
            sentThrough = Long.MAX_VALUE;
            day = Long.MAX_VALUE;
            return done;
        }

        /** {@link #finishAll()} when at most one day is open (no read held). */
        public Contribution finish() {
            List<Contribution> done = finishAll();
            if (done.size() > 1) {
                throw new IllegalStateException("peer recorder: " + done.size() + " days to hand over at once");
            }
            return done.isEmpty() ? null : done.get(0);
        }
    }
}
