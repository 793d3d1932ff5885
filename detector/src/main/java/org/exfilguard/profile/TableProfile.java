package org.exfilguard.profile;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the table-level detector keeps for one sensitive table, across all accounts: each account's rows per minute
 * over the longest window, and per window the clean peaks of each time of week (the hour of the day in the
 * organisation's zone, working days and weekends apart) over the last days, so a table read all night by backup
 * jobs and by a dozen analysts on weekday afternoons is judged against the right hour. Plain Java; minutes and
 * hours are counted from the epoch.
 */
public final class TableProfile {

    /** Times of week: the 24 hours of a working day, then the 24 of a weekend day. */
    public static final int SLOTS = 48;

    private static final long HOUR_MILLIS = 3_600_000L;

    private final String table;
    private final ZoneId zone;
    private final NavigableMap<Long, Map<String, Long>> recent;
    /** Per window, per time of week: clean peaks, oldest first. */
    private final long[][][] peaks;

    private final int[][] sizes;
    /** Per window: the clean peak of the current hour so far. */
    private final long[] hourPeak;

    private long hour;
    private TableIncident incident;

    /** The open table incident: ids and pacing, and its last record (Avro bytes) to close it with. */
    public record TableIncident(
            String incidentId,
            long openedMinute,
            long firstSeenMillis,
            long lastAlertingMinute,
            long lastAlertMillis,
            int alerts,
            double lastScore,
            byte[] lastAlert) {}

    public TableProfile(String table, ZoneId zone, int windows, int historyDays) {
        this(
                table,
                zone,
                new TreeMap<>(),
                new long[windows][SLOTS][historyDays],
                new int[windows][SLOTS],
                new long[windows],
                Long.MIN_VALUE,
                null);
    }

    /** Restores stored state; the arrays are owned by the new instance. */
    public TableProfile(
            String table,
            ZoneId zone,
            NavigableMap<Long, Map<String, Long>> recent,
            long[][][] peaks,
            int[][] sizes,
            long[] hourPeak,
            long hour,
            TableIncident incident) {
        this.table = table;
        this.zone = zone;
        this.recent = recent;
        this.peaks = peaks;
        this.sizes = sizes;
        this.hourPeak = hourPeak;
        this.hour = hour;
        this.incident = incident;
    }

    /** The time of week of epoch hour {@code epochHour} in {@code zone}. */
    public static int slot(long epochHour, ZoneId zone) {
        ZonedDateTime at = Instant.ofEpochMilli(epochHour * HOUR_MILLIS).atZone(zone);
        DayOfWeek day = at.getDayOfWeek();
        boolean weekend = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
        return (weekend ? 24 : 0) + at.getHour();
    }

    /** The time of week of epoch minute {@code minute}. */
    public int slotOfMinute(long minute) {
        return slot(Math.floorDiv(minute, 60), zone);
    }

    /**
     * Moves to the hour of {@code minute}: each window's clean peak of the hour it leaves enters that time of week's
     * history, and hours without a read in between enter as zero (at most a history's worth of them).
     */
    public void rollTo(long minute) {
        long now = Math.floorDiv(minute, 60);
        if (hour == Long.MIN_VALUE) {
            hour = now;
            return;
        }
        if (now <= hour) {
            return;
        }
        int historyDays = historyCapacity();
        // A weekend slot sees two days a week: a history's worth of them spans up to historyDays weeks.
        long skipped = Math.min(now - hour - 1, 24L * 7 * historyDays);
        for (int w = 0; w < peaks.length; w++) {
            push(w, slot(hour, zone), hourPeak[w]);
            for (long h = now - skipped; h < now; h++) {
                push(w, slot(h, zone), 0);
            }
            hourPeak[w] = 0;
        }
        hour = now;
    }

    private void push(int window, int slot, long peak) {
        long[] ring = peaks[window][slot];
        if (sizes[window][slot] < ring.length) {
            ring[sizes[window][slot]++] = peak;
        } else {
            System.arraycopy(ring, 1, ring, 0, ring.length - 1);
            ring[ring.length - 1] = peak;
        }
    }

    /** Adds one minute's rows by account, and forgets minutes that left the longest window. */
    public void addMinute(long minute, Map<String, Long> rowsByAccount, int longestMinutes) {
        recent.merge(minute, new HashMap<>(rowsByAccount), (a, b) -> {
            b.forEach((k, v) -> a.merge(k, v, WindowProfile::saturatedAdd));
            return a;
        });
        recent.headMap(minute - longestMinutes, true).clear();
    }

    /** The first minute of the window ending with {@code minute} that holds a read of {@code account}, or -1. */
    public long firstMinuteOf(String account, long minute, int minutes) {
        for (Map.Entry<Long, Map<String, Long>> e :
                recent.subMap(minute - minutes, false, minute, true).entrySet()) {
            if (e.getValue().containsKey(account)) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** Records a volume that did not alert as the window's clean peak of the current hour. */
    public void observeClean(int window, long volume) {
        hourPeak[window] = Math.max(hourPeak[window], volume);
    }

    /** The clean peaks of a time of week for a window, oldest first. */
    public long[] history(int window, int slot) {
        return Arrays.copyOf(peaks[window][slot], sizes[window][slot]);
    }

    public String table() {
        return table;
    }

    public long hour() {
        return hour;
    }

    public NavigableMap<Long, Map<String, Long>> recent() {
        return recent;
    }

    public int windowCount() {
        return peaks.length;
    }

    public int historyCapacity() {
        return peaks.length == 0 ? 0 : peaks[0][0].length;
    }

    public long hourPeak(int window) {
        return hourPeak[window];
    }

    public TableIncident incident() {
        return incident;
    }

    public void incident(TableIncident incident) {
        this.incident = incident;
    }
}
