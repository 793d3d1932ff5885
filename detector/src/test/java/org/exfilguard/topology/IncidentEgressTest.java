package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The read side's record of an incident's egress: its layouts, old and new. */
class IncidentEgressTest {

    @Test
    void readsLayoutOneAsNotWeakAndKeepsTheWeakFlag() {
        IncidentEgress watching = IncidentEgress.watching(List.of("10.0.0.1", "10.0.0.2"))
                .answered("10.0.0.1", new byte[] {4, 2}, 12_000_000, List.of("203.0.113.9"), true);
        byte[] now = watching.encode();
        // Layout 1 is layout 2 without the weak flag at its end.
        byte[] layout1 = java.util.Arrays.copyOf(now, now.length - 1);
        layout1[1] = 1;
        IncidentEgress read = IncidentEgress.decode(layout1);
        assertThat(read.weak()).isFalse();
        assertThat(read.ips()).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(read.evidenceBytes()).isEqualTo(12_000_000);
        assertThat(read.destinations()).containsExactly("203.0.113.9");

        IncidentEgress weak = IncidentEgress.decode(
                IncidentEgress.weakWatching("10.0.0.1", new byte[] {7}).encode());
        assertThat(weak.weak()).isTrue();
        assertThat(weak.closing()).containsExactly(7);
        assertThat(weak.complete()).isFalse();
    }

    @Test
    void aWeakReadMarkRoundTrips() {
        WeakMark mark = new WeakMark(1_000, "inc-1", 6_000);
        assertThat(WeakMark.decode(mark.encode())).isEqualTo(mark);
        assertThat(WeakMark.key("jdoe", "coop.members")).doesNotStartWith("inc-");
    }
}
