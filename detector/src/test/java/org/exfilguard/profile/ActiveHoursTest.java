package org.exfilguard.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ActiveHoursTest {

    /** A Monday. */
    private static final Instant MONDAY = Instant.parse("2026-03-02T00:00:00Z");

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static Instant at(int day, double hour) {
        return MONDAY.plus(Duration.ofDays(day)).plusMillis(Math.round(hour * 3_600_000));
    }

    @Test
    void anHourIsKnownFromReadsInItOrTheHourEitherSideOnEarlierDaysOnly() {
        ActiveHours hours = ActiveHours.fresh(at(0, 9), UTC);
        for (int d = 0; d < 5; d++) {
            hours.record(at(d, 9.5), UTC);
            hours.record(at(d, 14.2), UTC);
        }
        assertThat(hours.daysReadAround(at(7, 9.1), UTC, 28)).isEqualTo(5);
        assertThat(hours.daysReadAround(at(7, 10.9), UTC, 28))
                .as("the hour beside")
                .isEqualTo(5);
        assertThat(hours.daysReadAround(at(7, 12.5), UTC, 28)).isZero();
        assertThat(hours.daysReadAround(at(7, 1.0), UTC, 28))
                .as("a night never read")
                .isZero();
        assertThat(hours.daysReadAround(at(4, 9.0), UTC, 28))
                .as("today is not its own history")
                .isEqualTo(4);
        assertThat(hours.daysReadAround(at(4, 9.0), UTC, 2))
                .as("only the history days asked for")
                .isEqualTo(2);
        assertThat(hours.daysWatched(at(7, 0), UTC)).isEqualTo(7);
    }

    @Test
    void weekendsAreLearntApartFromWorkingDays() {
        ActiveHours hours = ActiveHours.fresh(at(0, 9), UTC);
        for (int d = 0; d < 5; d++) {
            hours.record(at(d, 10), UTC);
        }
        assertThat(hours.daysReadAround(at(5, 10), UTC, 28)).as("Saturday").isZero();
        hours.record(at(5, 10), UTC);
        assertThat(hours.daysReadAround(at(6, 10), UTC, 28))
                .as("Sunday, after a Saturday read")
                .isEqualTo(1);
    }

    @Test
    void localHoursFollowTheZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        ActiveHours hours = ActiveHours.fresh(at(0, 0), tokyo);
        // 01:00 UTC is 10:00 in Tokyo: working hours there.
        hours.record(at(0, 1), tokyo);
        assertThat(hours.daysReadAround(at(1, 1), tokyo, 28)).isEqualTo(1);
        assertThat(hours.daysReadAround(at(1, 13), tokyo, 28))
                .as("22:00 in Tokyo")
                .isZero();
    }

    @Test
    void daysOlderThanTheMemoryAreForgotten() {
        ActiveHours hours = ActiveHours.fresh(at(0, 9), UTC);
        hours.record(at(0, 9), UTC);
        hours.record(at(42, 15), UTC);
        assertThat(hours.daysReadAround(at(43, 9), UTC, 63)).isEqualTo(1);
        hours.record(at(105, 15), UTC);
        assertThat(hours.daysReadAround(at(106, 9), UTC, 63)).isZero();
        assertThat(hours.daysReadAround(at(106, 15), UTC, 63))
                .as("day 42 is 64 days back")
                .isEqualTo(1);
        assertThat(hours.record(at(105, 15.5), UTC))
                .as("the hour already marked that day")
                .isFalse();
    }
}
