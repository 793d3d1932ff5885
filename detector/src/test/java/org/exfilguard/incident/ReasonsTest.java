package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReasonsTest {

    @Test
    void countGroupsDigitsExactlyAsStringFormatDoes() {
        double[] edges = {
            0,
            1,
            -1,
            999,
            1_000,
            -1_000,
            999_999,
            1_000_000,
            12_345.5,
            -12_345.5,
            0.49,
            -0.5,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            9.2e18,
            -9.2e18
        };
        for (double value : edges) {
            assertThat(Reasons.count(value))
                    .as("%s", value)
                    .isEqualTo(String.format(Locale.ROOT, "%,d", Math.round(value)));
        }
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            double value = random.nextDouble(-1e13, 1e13) / Math.pow(10, random.nextInt(14));
            assertThat(Reasons.count(value)).isEqualTo(String.format(Locale.ROOT, "%,d", Math.round(value)));
        }
    }
}
