package org.exfilguard.profile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-key state of one sliding window: a ring of sub-bucket sums (rows and bytes), the running sum, today's
 * clean peak and the history of clean daily peaks that the baseline learns from.
 *
 * <p>"Clean" means the sum did not raise an alert: a bucket that alerted must not teach the baseline that the
 * extraction is normal. Empty days enter the history as the sum carried into them (zero for short windows),
 * so an account that reads nothing at night has a night baseline of zero.
 */
public final class WindowProfile {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final WindowSpec spec;
    private final long[] bucketRows;
    private final long[] bucketBytes;
    private long head;
    private long sumRows;
    private long sumBytes;
    private long day;
    private long dayPeak;
    private boolean armed;
    private final PeakHistory history;
    private final List<AlertedDay> alertedDays;
    /** Clean peaks within the night band; null until the window is first judged in the band (or the norm is off). */
    private BandPeaks band;

    /** A fresh window whose first event is at {@code first}. */
    public WindowProfile(WindowSpec spec, int historyCapacity, Instant first) {
        this(
                spec,
                new long[spec.subBuckets()],
                new long[spec.subBuckets()],
                Math.floorDiv(first.toEpochMilli(), spec.subBucketMillis()),
                Math.floorDiv(first.toEpochMilli(), MILLIS_PER_DAY),
                0,
                true,
                new double[historyCapacity],
                0,
                new ArrayList<>());
    }

    /** Restores a window from stored state; the arrays are owned by the new instance. */
    public WindowProfile(
            WindowSpec spec,
            long[] bucketRows,
            long[] bucketBytes,
            long head,
            long day,
            long dayPeak,
            boolean armed,
            double[] history,
            int historySize,
            List<AlertedDay> alertedDays) {
        if (bucketRows.length != spec.subBuckets() || bucketBytes.length != spec.subBuckets()) {
            throw new IllegalArgumentException("window " + spec.name() + ": stored ring has " + bucketRows.length
                    + " sub-buckets, configuration has " + spec.subBuckets());
        }
        this.spec = spec;
        this.bucketRows = bucketRows;
        this.bucketBytes = bucketBytes;
        this.head = head;
        this.day = day;
        this.dayPeak = dayPeak;
        this.armed = armed;
        this.history = new PeakHistory(history, historySize);
        this.alertedDays = new ArrayList<>(alertedDays);
        resum();
    }

    /**
     * {@code a + b}, held at {@link Long#MAX_VALUE} (or MIN) instead of wrapping: a hostile or corrupt count
     * ({@code Rows_sent: 9223372036854775807}) must not turn a sliding sum negative, which would hide every later
     * read of the window. A saturated sum stays at the maximum until what saturated it leaves the window.
     */
    public static long saturatedAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    /** Recomputes the running sums from the ring (after a restore, or when a saturated sum cannot be subtracted from). */
    private void resum() {
        long rows = 0;
        long bytes = 0;
        for (int i = 0; i < bucketRows.length; i++) {
            rows = saturatedAdd(rows, bucketRows[i]);
            bytes = saturatedAdd(bytes, bucketBytes[i]);
        }
        sumRows = rows;
        sumBytes = bytes;
    }

    /**
     * The number of clean daily peaks the history will hold once {@link #rollDays} has moved the window to the day of
     * {@code at}, without moving it.
     */
    public int historySizeAt(Instant at) {
        long today = Math.floorDiv(at.toEpochMilli(), MILLIS_PER_DAY);
        if (today <= day) {
            return history.size();
        }
        long closing = Math.min(today - day, history.capacity());
        return (int) Math.min(history.size() + closing, history.capacity());
    }

    /**
     * Moves the window to the day of {@code at}, closing the days in between into the history. Returns the clean
     * peaks of the days it closed (newest last), so the caller can feed the peer baseline.
     */
    public long[] rollDays(Instant at, int alertedDayLookback) {
        long today = Math.floorDiv(at.toEpochMilli(), MILLIS_PER_DAY);
        if (today <= day) {
            return new long[0];
        }
        long gap = today - day;
        int toClose = (int) Math.min(gap, history.capacity());
        long[] closed = new long[toClose];
        long previousClean = dayPeak;
        // The day of the last event closes with its own peak; skipped days carry what was still in the window
        // at their start, capped by the last clean peak so an extraction never leaks into the baseline this way.
        for (int i = 0; i < toClose; i++) {
            long closingDay = today - toClose + i;
            long peak;
            if (closingDay == day) {
                peak = dayPeak;
            } else {
                peak = Math.min(sumAt(closingDay * MILLIS_PER_DAY), previousClean);
                previousClean = peak;
            }
            history.push(peak);
            closed[i] = peak;
        }
        long carried = Math.min(sumAt(today * MILLIS_PER_DAY), previousClean);
        day = today;
        dayPeak = carried;
        alertedDays.removeIf(d -> d.epochDay() < today - alertedDayLookback);
        return closed;
    }

    /** Adds an event's rows and bytes to its sub-bucket; events older than the window only count where they fit. */
    public boolean add(Instant at, long rows, long bytes) {
        long bucket = Math.floorDiv(at.toEpochMilli(), spec.subBucketMillis());
        advanceTo(bucket);
        if (bucket <= head - spec.subBuckets()) {
            return false;
        }
        int slot = slot(bucket);
        bucketRows[slot] = saturatedAdd(bucketRows[slot], rows);
        bucketBytes[slot] = saturatedAdd(bucketBytes[slot], bytes);
        sumRows = saturatedAdd(sumRows, rows);
        sumBytes = saturatedAdd(sumBytes, bytes);
        return true;
    }

    /** Slides the window forward to {@code at}, dropping the sub-buckets that fall out; returns the sum left. */
    public long advance(Instant at) {
        advanceTo(Math.floorDiv(at.toEpochMilli(), spec.subBucketMillis()));
        return sumRows;
    }

    private void advanceTo(long bucket) {
        if (bucket <= head) {
            return;
        }
        long steps = Math.min(bucket - head, spec.subBuckets());
        // A saturated sum is no longer the sum of its buckets: subtracting from it would be wrong, so recompute.
        boolean saturated = sumRows == Long.MAX_VALUE || sumBytes == Long.MAX_VALUE;
        for (long b = bucket - steps + 1; b <= bucket; b++) {
            int slot = slot(b);
            sumRows -= bucketRows[slot];
            sumBytes -= bucketBytes[slot];
            bucketRows[slot] = 0;
            bucketBytes[slot] = 0;
        }
        if (saturated) {
            resum();
        }
        head = bucket;
    }

    /** The sliding sum of rows over the window ending at {@code millis} (at or after the head). */
    private long sumAt(long millis) {
        long end = Math.floorDiv(millis, spec.subBucketMillis()) - 1;
        long total = 0;
        for (long b = Math.max(end - spec.subBuckets() + 1, head - spec.subBuckets() + 1);
                b <= Math.min(end, head);
                b++) {
            total = saturatedAdd(total, bucketRows[slot(b)]);
        }
        return total;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) spec.subBuckets());
    }

    /** Records a sum that did not alert (or belongs to a recognised recurring job) as today's clean peak. */
    public void observeClean(long sum) {
        dayPeak = Math.max(dayPeak, sum);
    }

    /** Remembers that today's sum alerted at {@code at}, so a job that recurs at that time can be recognised. */
    public void recordAlert(Instant at, long peak) {
        long today = Math.floorDiv(at.toEpochMilli(), MILLIS_PER_DAY);
        int minute = (int) (Math.floorMod(at.toEpochMilli(), MILLIS_PER_DAY) / 60_000);
        for (int i = 0; i < alertedDays.size(); i++) {
            AlertedDay d = alertedDays.get(i);
            if (d.epochDay() == today) {
                alertedDays.set(i, new AlertedDay(today, d.minuteOfDay(), Math.max(d.peak(), peak)));
                return;
            }
        }
        alertedDays.add(new AlertedDay(today, minute, peak));
    }

    /** Start of the oldest non-empty sub-bucket in the window: when the reading in it began, at the latest. */
    public Instant activeSince() {
        for (long b = head - spec.subBuckets() + 1; b <= head; b++) {
            if (bucketRows[slot(b)] > 0) {
                return Instant.ofEpochMilli(b * spec.subBucketMillis());
            }
        }
        return windowEnd();
    }

    public Instant windowStart() {
        return Instant.ofEpochMilli((head - spec.subBuckets() + 1) * spec.subBucketMillis());
    }

    public Instant windowEnd() {
        return Instant.ofEpochMilli((head + 1) * spec.subBucketMillis());
    }

    public WindowSpec spec() {
        return spec;
    }

    public long sumRows() {
        return sumRows;
    }

    public long sumBytes() {
        return sumBytes;
    }

    public long head() {
        return head;
    }

    public long day() {
        return day;
    }

    public long dayPeak() {
        return dayPeak;
    }

    public boolean armed() {
        return armed;
    }

    public void armed(boolean armed) {
        this.armed = armed;
    }

    /** The window's clean peaks in the night band; null when it has none. */
    public BandPeaks band() {
        return band;
    }

    public void band(BandPeaks band) {
        this.band = band;
    }

    public List<AlertedDay> alertedDays() {
        return List.copyOf(alertedDays);
    }

    public long[] bucketRows() {
        return bucketRows.clone();
    }

    public long[] bucketBytes() {
        return bucketBytes.clone();
    }

    /** Clean daily peaks, oldest first. */
    public double[] history() {
        return history.values();
    }

    public int historyCapacity() {
        return history.capacity();
    }

    public int historySize() {
        return history.size();
    }

    /** The {@code i}-th clean daily peak, oldest first, without copying the history. */
    public double historyAt(int i) {
        return history.at(i);
    }

    /** Sub-bucket sums by ring slot, without copying the ring. */
    public long rowsAt(int slot) {
        return bucketRows[slot];
    }

    public long bytesAt(int slot) {
        return bucketBytes[slot];
    }

    public int alertedDayCount() {
        return alertedDays.size();
    }

    public AlertedDay alertedDay(int i) {
        return alertedDays.get(i);
    }

    /**
     * A value derived from the history alone (its robust statistics), kept until the history next changes:
     * the history changes once a day, while the threshold built from it is needed on every event.
     */
    public <T> T historyDerived(Class<T> type, java.util.function.Function<double[], T> derive) {
        return history.derived(type, derive);
    }
}
