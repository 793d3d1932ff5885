package org.exfilguard.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.exfilguard.ingest.InternalNetworks;
import org.exfilguard.schema.EgressEvent;
import org.junit.jupiter.api.Test;

class BackgroundFlowsTest {

    private static final Instant AT = Instant.parse("2025-06-02T00:00:00Z");

    @Test
    void hostsReachBeyondSixtyFiveThousandAndStayBelowTheSimulatorsRosteredRanges() {
        // bench state --hosts 100000 needs hosts past 10.0.255.255; the simulator's accounts start at 10.10.
        assertThat(BackgroundFlows.host(0)).isEqualTo("10.0.0.0");
        assertThat(BackgroundFlows.host(70_000)).isEqualTo("10.1.17.112");
        assertThat(BackgroundFlows.host(BackgroundFlows.MAX_HOSTS - 1)).isEqualTo("10.9.255.255");
        BackgroundFlows flows = new BackgroundFlows(100_000, 42, "zeek");
        Set<String> sources = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            sources.add(flows.next(AT).getSrcIp());
        }
        assertThat(sources).anyMatch(ip -> ip.startsWith("10.1."));
        assertThat(sources).allMatch(ip -> Integer.parseInt(ip.split("\\.")[1]) < 10);
        assertThatThrownBy(() -> new BackgroundFlows(BackgroundFlows.MAX_HOSTS + 1, 42, "zeek"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("background hosts must be");
    }

    @Test
    void theSameSeedGivesTheSameFlowsAndTheMixHasItsShares() {
        BackgroundFlows a = new BackgroundFlows(20_000, 7, "zeek");
        BackgroundFlows b = new BackgroundFlows(20_000, 7, "zeek");
        InternalNetworks internal = InternalNetworks.defaults();
        int inside = 0;
        for (int i = 0; i < 10_000; i++) {
            EgressEvent x = a.next(AT);
            assertThat(b.next(AT)).isEqualTo(x);
            if (internal.isInternal(x.getDstIp())) {
                inside++;
            }
        }
        assertThat(inside).isBetween(5_700, 6_300);
    }
}
