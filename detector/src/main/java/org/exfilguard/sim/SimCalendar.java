package org.exfilguard.sim;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

/** Maps simulation days and local hours to instants in the organisation's zone. */
final class SimCalendar {
    private final LocalDate firstDate;
    private final ZoneId zone;
    private final int days;

    SimCalendar(SimulationSpec spec) {
        this.zone = spec.zone();
        this.firstDate = spec.start().atZone(zone).toLocalDate();
        this.days = spec.days();
    }

    int days() {
        return days;
    }

    LocalDate date(int day) {
        return firstDate.plusDays(day);
    }

    boolean isWeekend(int day) {
        DayOfWeek d = date(day).getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    boolean isMonday(int day) {
        return date(day).getDayOfWeek() == DayOfWeek.MONDAY;
    }

    /** The instant at {@code hours} (fractional, may exceed 24) after local midnight of {@code day}. */
    Instant at(int day, double hours) {
        Instant midnight = date(day).atStartOfDay(zone).toInstant();
        return midnight.plusMillis(Math.round(hours * 3_600_000d));
    }

    Instant at(int day, LocalTime time) {
        return date(day).atTime(time).atZone(zone).toInstant();
    }

    Instant endExclusive() {
        return date(days).atStartOfDay(zone).toInstant();
    }

    static double hours(Duration d) {
        return d.toMillis() / 3_600_000d;
    }
}
