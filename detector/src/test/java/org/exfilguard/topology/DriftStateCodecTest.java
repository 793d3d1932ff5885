package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.exfilguard.detect.DriftDetector;
import org.exfilguard.detect.DriftSettings;
import org.exfilguard.detect.DriftState;
import org.junit.jupiter.api.Test;

class DriftStateCodecTest {

    @Test
    void roundTripsAStateWithHistoryAndAnOpenDrift() {
        DriftState state = DriftState.of(
                20_530,
                1_234,
                0b1111_0000_0000,
                1_773_900_000_000L,
                new long[] {0, 12, 40, 0, 25_000},
                812.5,
                1_773_800_000_000L,
                2_400,
                1,
                2,
                "inc-abc",
                1_773_950_000_000L,
                1);
        byte[] bytes = new DriftStateCodec().encode(state);
        assertThat(DriftStateCodec.decode(bytes)).isEqualTo(state);
        assertThat(bytes.length).isLessThan(80);
    }

    @Test
    void roundTripsAFreshAndADetectedState() {
        DriftStateCodec codec = new DriftStateCodec();
        DriftState fresh = new DriftState();
        assertThat(DriftStateCodec.decode(codec.encode(fresh))).isEqualTo(fresh);
        DriftDetector detector = new DriftDetector(DriftSettings.defaults());
        DriftState lived = new DriftState();
        Instant t = Instant.parse("2026-03-02T09:00:00Z");
        for (int day = 0; day < 30; day++) {
            detector.observe(lived, t.plus(Duration.ofDays(day)), 10 + day, x -> "inc");
        }
        assertThat(DriftStateCodec.decode(codec.encode(lived))).isEqualTo(lived);
    }

    @Test
    void refusesAnotherLayoutOrTag() {
        byte[] bytes = new DriftStateCodec().encode(new DriftState());
        bytes[1] = (byte) (DriftStateCodec.VERSION + 1);
        assertThatThrownBy(() -> DriftStateCodec.decode(bytes))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layout version");
        assertThatThrownBy(() -> DriftStateCodec.decode(new byte[] {0x49, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
