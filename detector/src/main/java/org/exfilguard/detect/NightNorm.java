package org.exfilguard.detect;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import org.exfilguard.profile.BandPeaks;

/**
 * The night norm: a band of the day, in the organisation's local time, in which a window shorter than the band is
 * judged against the account's own clean peaks in that band as well as against its daily peaks, and alerts above
 * the lower of the two thresholds. An account's daily peaks come from its busiest hours; a service that reads round
 * the clock reads a fraction of that at night, so a dump at many times its night load can stay below its afternoon
 * threshold. The night threshold is used only once the account has read in the band on enough days (the
 * baseline's minimum history, counted in band-days with reads), so an account that starts reading at night is
 * judged as before until its nights are known.
 *
 * @param zone   the organisation's zone
 * @param start  local time the band starts
 * @param length      the band's length, under a day; a band may run past midnight (it belongs to the day it starts)
 * @param floorFactor what the window's tier floor is multiplied by for the night threshold: 1 keeps the floor, less
 *                    lets a night read below the daytime floor alert when it is far above the night norm
 */
public record NightNorm(ZoneId zone, LocalTime start, Duration length, double floorFactor) {

    public NightNorm {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(start, "start");
        if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(1)) >= 0) {
            throw new IllegalArgumentException("night band: length must be more than zero and less than a day");
        }
        if (!(floorFactor > 0 && floorFactor <= 1)) {
            throw new IllegalArgumentException(
                    "night floor factor " + floorFactor + ": must be more than 0, at most 1");
        }
    }

    /** The same band with the window floors multiplied by {@code factor} at night. */
    public NightNorm withFloorFactor(double factor) {
        return new NightNorm(zone, start, length, factor);
    }

    /** 00:00 to 06:00. */
    public static final String DEFAULT_BAND = "00:00-06:00";

    /**
     * Half the daytime floors. With the floors as they are, a compromised service account's night dump (ten times
     * its peak hour, spread over an hour) alerted only when its window reached the 10,000-row floor, 5.6 to 10.3
     * minutes in, however far above its night norm it already was: extended seeds 7-9, 5m53s / 10m02s median / max;
     * with half, 3m21s / 4m55s, and on unseen workloads (seed 31, and seed 31 with a 4,000-an-hour service peak)
     * 4m19s / 4m54s and 2m02s / 2m31s, with the same alerting account-days on all five workloads (DETECTION.md).
     * The night threshold is still at least four times the account's median night peak and 1.5 times its largest.
     */
    public static final double DEFAULT_FLOOR_FACTOR = 0.5;

    /** The default band in UTC, with the default night floors. */
    public static NightNorm defaults() {
        return parse(ZoneOffset.UTC, DEFAULT_BAND);
    }

    /** A band written {@code HH:MM-HH:MM} (local times; an end at or before the start runs past midnight). */
    public static NightNorm parse(ZoneId zone, String band) {
        String[] parts = band.trim().split("-", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("night band '" + band + "': expected HH:MM-HH:MM");
        }
        LocalTime from;
        LocalTime to;
        try {
            from = LocalTime.parse(parts[0].trim());
            to = LocalTime.parse(parts[1].trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("night band '" + band + "': expected HH:MM-HH:MM");
        }
        long seconds = Math.floorMod(to.toSecondOfDay() - from.toSecondOfDay(), 86_400);
        if (seconds == 0) {
            throw new IllegalArgumentException("night band '" + band + "': start and end are the same time");
        }
        return new NightNorm(zone, from, Duration.ofSeconds(seconds), DEFAULT_FLOOR_FACTOR);
    }

    /** The band-day of {@code at} (the local date the band it falls in started), or {@link BandPeaks#NONE} outside. */
    public long bandDay(Instant at) {
        LocalDateTime shifted = LocalDateTime.ofInstant(at, zone).minusSeconds(start.toSecondOfDay());
        if (shifted.toLocalTime().toSecondOfDay() >= length.toSeconds()) {
            return BandPeaks.NONE;
        }
        return shifted.toLocalDate().toEpochDay();
    }

    /** Whether a window of {@code windowLength} is judged in the band: it must be shorter than the band. */
    public boolean applies(Duration windowLength) {
        return windowLength.compareTo(length) < 0;
    }

    /** The local hours of the day the band overlaps, by hour (0-23). */
    public boolean[] hours() {
        boolean[] hours = new boolean[24];
        int first = start.getHour();
        // Whole or partial hours from the start's hour to the hour holding the band's last instant.
        long lastSecond = start.toSecondOfDay() + length.toSeconds() - 1;
        int span = (int) (lastSecond / 3600) - first;
        for (int i = 0; i <= Math.min(span, 23); i++) {
            hours[(first + i) % 24] = true;
        }
        return hours;
    }

    @Override
    public String toString() {
        return start + "-" + start.plus(length) + " " + zone + (floorFactor == 1 ? "" : " floors x" + floorFactor);
    }
}
