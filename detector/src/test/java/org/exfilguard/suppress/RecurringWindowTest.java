package org.exfilguard.suppress;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RecurringWindowTest {

    @Test
    void parsesDayRangesListsAndWrappingRanges() {
        assertThat(RecurringWindow.parseDays("MON-SUN")).isEqualTo(EnumSet.allOf(DayOfWeek.class));
        assertThat(RecurringWindow.parseDays("sat, sun")).containsExactlyInAnyOrder(SATURDAY, SUNDAY);
        assertThat(RecurringWindow.parseDays("MON,WED-FRI"))
                .containsExactlyInAnyOrder(MONDAY, WEDNESDAY, THURSDAY, FRIDAY);
        assertThat(RecurringWindow.parseDays("FRI-MON")).containsExactlyInAnyOrder(FRIDAY, SATURDAY, SUNDAY, MONDAY);
    }

    @Test
    void refusesUnknownDaysAndEmptyWindows() {
        assertThatThrownBy(() -> RecurringWindow.parseDays("MONDAY")).hasMessageContaining("unknown day 'MONDAY'");
        assertThatThrownBy(() -> RecurringWindow.parseDays("MON-")).hasMessageContaining("unknown day");
        assertThatThrownBy(() -> RecurringWindow.parseTime("1:30")).hasMessageContaining("\"01:30\"");
        assertThatThrownBy(() -> RecurringWindow.of(EnumSet.of(MONDAY), LocalTime.of(1, 0), LocalTime.of(1, 0)))
                .hasMessageContaining("Leave the window out");
    }

    @Test
    void midnightAsEndMeansUntilTheEndOfTheDay() {
        RecurringWindow w = RecurringWindow.of(EnumSet.of(SUNDAY), LocalTime.of(22, 0), LocalTime.MIDNIGHT);
        assertThat(w.contains(Instant.parse("2026-01-11T23:59:59Z"))).isTrue();
        assertThat(w.contains(Instant.parse("2026-01-12T00:00:00Z"))).isFalse();
    }

    @Test
    void overnightWindowOnSundayRunsIntoMonday() {
        RecurringWindow w = RecurringWindow.of(EnumSet.of(SUNDAY), LocalTime.of(23, 0), LocalTime.of(1, 0));
        assertThat(w.contains(Instant.parse("2026-01-12T00:30:00Z")))
                .as("Monday 00:30")
                .isTrue();
        assertThat(w.contains(Instant.parse("2026-01-06T00:30:00Z")))
                .as("Tuesday 00:30")
                .isFalse();
        assertThat(w.toString()).isEqualTo("SUN 23:00-01:00 UTC");
    }
}
