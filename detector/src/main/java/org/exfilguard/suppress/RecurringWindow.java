package org.exfilguard.suppress;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A weekly recurring window in UTC, such as a nightly backup {@code MON-SUN 01:30-03:30}. Half-open: it includes
 * {@code from} and excludes {@code to}. When {@code to} is not after {@code from} the window crosses midnight and
 * belongs to the day it starts on: {@code FRI 22:00-02:00} covers Friday 22:00 to Saturday 02:00.
 */
public final class RecurringWindow {

    private final Set<DayOfWeek> days;
    private final LocalTime from;
    private final LocalTime to;

    private RecurringWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
        this.days = days;
        this.from = from;
        this.to = to;
    }

    public static RecurringWindow of(Set<DayOfWeek> days, LocalTime from, LocalTime to) {
        if (days == null || days.isEmpty()) {
            throw new IllegalArgumentException("days must name at least one day");
        }
        if (from == null || to == null) {
            throw new IllegalArgumentException("from and to are both required");
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("from and to are both " + from + ": an empty window or a whole day? "
                    + "Leave the window out for a whole day");
        }
        return new RecurringWindow(Collections.unmodifiableSet(EnumSet.copyOf(days)), from, to);
    }

    /** Parses {@code "01:30"}; {@code "00:00"} as {@code to} means until midnight. */
    public static LocalTime parseTime(String text) {
        try {
            return LocalTime.parse(text.strip());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("expected a UTC time of day like \"01:30\", got '" + text + "'");
        }
    }

    /**
     * Parses days such as {@code MON-SUN}, {@code MON-FRI}, {@code SAT,SUN} or {@code MON,WED-FRI}; a range may
     * wrap the week ({@code FRI-MON}). Three-letter English names, any case.
     */
    public static Set<DayOfWeek> parseDays(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("days must not be empty");
        }
        EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : text.split(",")) {
            String[] ends = part.strip().split("-", -1);
            if (ends.length > 2) {
                throw new IllegalArgumentException("bad day range '" + part.strip() + "'");
            }
            DayOfWeek first = day(ends[0]);
            DayOfWeek last = ends.length == 2 ? day(ends[1]) : first;
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                days.add(d);
                if (d == last) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(String text) {
        String name = text.strip().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (name.length() == 3 && d.name().startsWith(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                "unknown day '" + text.strip() + "' (use MON, TUE, WED, THU, FRI, SAT, SUN)");
    }

    public boolean contains(Instant eventTime) {
        ZonedDateTime utc = eventTime.atZone(ZoneOffset.UTC);
        LocalTime time = utc.toLocalTime();
        DayOfWeek day = utc.getDayOfWeek();
        if (from.isBefore(to)) {
            return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
        }
        // Crosses midnight: the evening part on a listed day, or the early part on the day after one.
        return (days.contains(day) && !time.isBefore(from)) || (days.contains(day.minus(1)) && time.isBefore(to));
    }

    public Set<DayOfWeek> days() {
        return days;
    }

    public LocalTime from() {
        return from;
    }

    public LocalTime to() {
        return to;
    }

    @Override
    public String toString() {
        String dayList = days.stream()
                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toUpperCase(Locale.ROOT))
                .collect(Collectors.joining(","));
        return dayList + " " + from + "-" + to + " UTC";
    }
}
