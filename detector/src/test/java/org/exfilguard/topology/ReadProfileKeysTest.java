package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Held reads and clock minutes are stored under zero-padded numbers, so the store's order is their number order. */
class ReadProfileKeysTest {

    @Test
    void paddedAsTheFormatterPadsThem() {
        SplittableRandom random = new SplittableRandom(5);
        long[] edges = {
            0, 1, 9, 10, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, Long.MIN_VALUE
        };
        for (long v : edges) {
            assertThat(ReadProfileSupplier.nineteenDigits(v)).isEqualTo(String.format(Locale.ROOT, "%019d", v));
        }
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong() >>> random.nextInt(64);
            assertThat(ReadProfileSupplier.nineteenDigits(v)).isEqualTo(String.format(Locale.ROOT, "%019d", v));
        }
    }
}
