package org.exfilguard.profile;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * When an account reads: for each hour of the day, on working days and on weekends apart (48 hour bands, local
 * time of the organisation's zone), the days of the last {@value #MAX_DAYS} on which it read any sensitive table
 * in that band. An hour is part of the account's habits when it read in it, or in the hour either side (a working
 * day that starts or ends a little earlier, a clock change), on enough days of its history; the rest are hours it
 * never reads, whose norm is zero.
 *
 * <p>Presence, not volume: the volumes are judged by the windows. Every read is learnt, of any table (an analyst's
 * working hours show in all its queries, while its sensitive reads are few) and alerted or not, because
 * the rule asks whether the account works at that hour, not how much it reads: an extraction at night makes the
 * night known only from the next day on, after it has alerted, and an analyst who moves to a late shift is known at
 * the new hours after one day. The day being read is never part of its own history.
 */
public final class ActiveHours {

    /** Days a band remembers: one bit each in a long. */
    public static final int MAX_DAYS = 63;

    static final int BANDS = 48;

    /** Local day of the first read recorded: how long the account has been watched. */
    private final long firstDay;
    /** Local day that bit 0 of every mask stands for; bit i is day {@code day - i}. */
    private long day;

    private final long[] masks;

    public ActiveHours(long firstDay, long day, long[] masks) {
        if (masks.length != BANDS) {
            throw new IllegalArgumentException(
                    "active hours: " + masks.length + " bands stored, " + BANDS + " expected");
        }
        this.firstDay = firstDay;
        this.day = day;
        this.masks = masks;
    }

    /** Nothing recorded yet; the account is watched from {@code at}. */
    public static ActiveHours fresh(Instant at, ZoneId zone) {
        long today = localDay(at, zone);
        return new ActiveHours(today, today, new long[BANDS]);
    }

    /** Records a read at {@code at}; true when its band was not yet marked for its day. Older than the memory: ignored. */
    public boolean record(Instant at, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        long d = local.toLocalDate().toEpochDay();
        if (d > day) {
            long shift = d - day;
            for (int i = 0; i < BANDS; i++) {
                masks[i] = shift > MAX_DAYS ? 0 : masks[i] << shift;
            }
            day = d;
        }
        long back = day - d;
        if (back > MAX_DAYS) {
            return false;
        }
        int band = band(local);
        long before = masks[band];
        masks[band] |= 1L << back;
        return masks[band] != before;
    }

    /** Whole local days since the first read recorded, before {@code at}'s day. */
    public long daysWatched(Instant at, ZoneId zone) {
        return localDay(at, zone) - firstDay;
    }

    /**
     * The days of the {@code historyDays} before {@code at}'s day on which the account read in {@code at}'s hour band
     * or the band either side.
     */
    public int daysReadAround(Instant at, ZoneId zone, int historyDays) {
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        long d = local.toLocalDate().toEpochDay();
        // Bits for days d-1 .. d-historyDays sit at positions day-d+1 .. day-d+historyDays.
        long from = day - d + 1;
        long to = Math.min(day - d + Math.min(historyDays, MAX_DAYS), MAX_DAYS);
        if (to < Math.max(from, 0)) {
            return 0;
        }
        long range = mask(to + 1) & ~mask(Math.max(from, 0));
        int band = band(local);
        int base = band - band % 24;
        int hour = band % 24;
        long seen = masks[base + (hour + 23) % 24] | masks[band] | masks[base + (hour + 1) % 24];
        return Long.bitCount(seen & range);
    }

    /**
     * The days of the {@code historyDays} before {@code at}'s day on which the account read in any of the local
     * {@code hours} of the day (by hour, 0-23), on working days and weekends alike.
     */
    public int daysReadInHours(Instant at, ZoneId zone, boolean[] hours, int historyDays) {
        long d = localDay(at, zone);
        long from = day - d + 1;
        long to = Math.min(day - d + Math.min(historyDays, MAX_DAYS), MAX_DAYS);
        if (to < Math.max(from, 0)) {
            return 0;
        }
        long range = mask(to + 1) & ~mask(Math.max(from, 0));
        long seen = 0;
        for (int h = 0; h < 24; h++) {
            if (hours[h]) {
                seen |= masks[h] | masks[24 + h];
            }
        }
        return Long.bitCount(seen & range);
    }

    private static long mask(long bits) {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }

    static int band(LocalDateTime local) {
        DayOfWeek dow = local.getDayOfWeek();
        boolean weekend = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY;
        return (weekend ? 24 : 0) + local.getHour();
    }

    private static long localDay(Instant at, ZoneId zone) {
        return LocalDateTime.ofInstant(at, zone).toLocalDate().toEpochDay();
    }

    public long firstDay() {
        return firstDay;
    }

    public long day() {
        return day;
    }

    public long[] masks() {
        return masks.clone();
    }

    @Override
    public String toString() {
        return "ActiveHours[first=" + firstDay + ", day=" + day + ", masks=" + Arrays.toString(masks) + "]";
    }
}
