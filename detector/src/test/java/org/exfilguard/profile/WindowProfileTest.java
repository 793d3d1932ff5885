package org.exfilguard.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowProfileTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final WindowSpec HOUR = new WindowSpec("1h", Duration.ofHours(1), 12, 0);

    @Test
    void sumsSaturateAtLongMaxValueInsteadOfTurningNegative() {
        WindowProfile w = new WindowProfile(HOUR, 7, T0);
        w.add(T0, Long.MAX_VALUE, Long.MAX_VALUE);
        w.add(T0.plusSeconds(600), Long.MAX_VALUE, 1);

        assertThat(w.sumRows()).isEqualTo(Long.MAX_VALUE);
        assertThat(w.sumBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(w.rowsAt(Math.floorMod(T0.toEpochMilli() / HOUR.subBucketMillis(), 12)))
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aSaturatedSumComesBackExactWhenWhatSaturatedItLeavesTheWindow() {
        WindowProfile w = new WindowProfile(HOUR, 7, T0);
        w.add(T0, Long.MAX_VALUE, Long.MAX_VALUE);
        w.add(T0.plus(Duration.ofMinutes(30)), 5, 50);
        assertThat(w.sumRows()).isEqualTo(Long.MAX_VALUE);

        assertThat(w.advance(T0.plus(Duration.ofMinutes(65)))).isEqualTo(5);
        assertThat(w.sumBytes()).isEqualTo(50);
        w.add(T0.plus(Duration.ofMinutes(66)), 1, 1);
        assertThat(w.sumRows()).isEqualTo(6);
    }

    @Test
    void aRestoredRingOfHugeBucketsSumsSaturated() {
        long[] rows = new long[12];
        long[] bytes = new long[12];
        java.util.Arrays.fill(rows, Long.MAX_VALUE / 2);
        WindowProfile w = new WindowProfile(
                HOUR, rows, bytes, T0.toEpochMilli() / HOUR.subBucketMillis(), 0, 0, true, new double[7], 0, List.of());

        assertThat(w.sumRows()).isEqualTo(Long.MAX_VALUE);
        assertThat(java.util.Arrays.stream(w.rollDays(T0.plus(Duration.ofDays(1)), 7))
                        .min()
                        .orElse(0))
                .isNotNegative();
    }

    @Test
    void evidenceOfRowsReadSaturatesToo() {
        ScopeProfile p = ScopeProfile.fresh("a", "coop.members", List.of(HOUR), 7, T0);
        p.noteEvidence("10.0.0.7", "select * from members", Long.MAX_VALUE, T0);
        p.noteEvidence("10.0.0.7", "select * from members", Long.MAX_VALUE, T0);

        assertThat(p.recentFingerprints().get("select * from members")).isEqualTo(Long.MAX_VALUE);
    }
}
