package org.exfilguard.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncidentTallyTest {

    private final Instant t0 = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void startsFromTheCrossingWindowAndAddsEveryLaterRead() {
        IncidentTally tally = IncidentTally.opened(
                "inc-1",
                t0.minusSeconds(120),
                t0,
                30_000,
                0,
                List.of("10.0.0.9"),
                20_000,
                "10.0.0.1",
                "select * from coop.members");
        tally.addRead(t0.plusSeconds(10), 7, 0, "10.0.0.1", "select * from coop.members");
        tally.addRead(t0.plusSeconds(5), 3, 0, null, null);
        assertThat(tally.rows()).isEqualTo(30_010);
        assertThat(tally.largestRead()).isEqualTo(20_000);
        assertThat(tally.firstRead()).isEqualTo(t0.minusSeconds(120));
        assertThat(tally.lastRead())
                .as("a read out of order does not move the last read back")
                .isEqualTo(t0.plusSeconds(10));
        assertThat(tally.clientIpsByRows()).containsExactly("10.0.0.1", "10.0.0.9");
    }

    @Test
    void egressReportsAreRunningTotalsPerHostAndTheListsStayBounded() {
        IncidentTally tally = IncidentTally.opened("inc-1", t0, t0, 1, 0, List.of(), 1, "10.0.0.1", null);
        tally.addEgress("10.0.0.1", 10_000_000, Map.of("198.51.100.1", 10_000_000L));
        tally.addEgress("10.0.0.1", 30_000_000, Map.of("198.51.100.1", 25_000_000L, "198.51.100.2", 5_000_000L));
        tally.addEgress("10.0.0.2", 1_000_000, Map.of("198.51.100.3", 1_000_000L));
        assertThat(tally.egressBytes())
                .as("the host's latest report replaces its earlier one")
                .isEqualTo(31_000_000);
        assertThat(tally.destinationsByBytes()).containsExactly("198.51.100.1", "198.51.100.2", "198.51.100.3");

        for (int i = 0; i < 40; i++) {
            tally.addRead(t0.plusSeconds(i), 100 + i, 0, "10.1.0." + i, "select " + i);
        }
        assertThat(tally.clientIps())
                .hasSize(IncidentTally.MAX_IPS)
                .containsKey("10.1.0.39")
                .doesNotContainKey("10.1.0.0");
        assertThat(tally.fingerprints()).hasSize(IncidentTally.MAX_FINGERPRINTS);
        assertThat(tally.rows()).isEqualTo(1 + 40 * 100 + 39 * 40 / 2);
    }
}
