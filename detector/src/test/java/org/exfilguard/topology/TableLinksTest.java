package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The read side's links to table incidents: which ones a close gets, what is kept, and the stored layout. */
class TableLinksTest {

    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_773_000_000_000L;

    @Test
    void aCloseGetsTheTableIncidentsThatNamedTheAccountWhileOpenDuringIt() {
        TableLinks links = TableLinks.none()
                .with("inc-early", T0)
                .with("inc-a", T0 + 2 * HOUR)
                .with("inc-a", T0 + 3 * HOUR)
                .with("inc-b", T0 + 4 * HOUR)
                .with("inc-late", T0 + 9 * HOUR);

        assertThat(links.openWithin(T0 + HOUR, T0 + 5 * HOUR, 0)).containsExactly("inc-a", "inc-b");
        // A record after the close does not count, so a link arriving before or after the close changes nothing.
        assertThat(links.openWithin(T0 + HOUR, T0 + 3 * HOUR, 0)).containsExactly("inc-a");
        assertThat(links.openWithin(T0 + 10 * HOUR, T0 + 11 * HOUR, 0)).isEmpty();
        // A table incident that named the account before its incident began, and was still open when it did.
        assertThat(links.openWithin(T0 + 5 * HOUR, T0 + 6 * HOUR, HOUR)).containsExactly("inc-b");
        assertThat(links.openWithin(T0 + 5 * HOUR, T0 + 6 * HOUR, HOUR / 2)).isEmpty();
    }

    @Test
    void aLinkIsKeptOnceAndForAWeekAfterTheNewest() {
        TableLinks links = TableLinks.none().with("inc-a", T0).with("inc-a", T0);
        assertThat(links.links()).hasSize(1);

        TableLinks later = links.with("inc-b", T0 + TableLinks.RETENTION_MILLIS + 1);
        assertThat(later.links()).extracting(TableLinks.Link::tableIncidentId).containsExactly("inc-b");
    }

    @Test
    void heldClosesSortByTableThenCloseTime() {
        String first = TableLinks.heldKey("coop.members", T0, "inc-z");
        String second = TableLinks.heldKey("coop.members", T0 + HOUR, "inc-a");

        assertThat(first).isLessThan(second).isLessThan(TableLinks.heldUpTo("coop.members", T0 + HOUR));
        assertThat(second).isGreaterThan(TableLinks.heldUpTo("coop.members", T0));
        assertThat(TableLinks.heldKey("coop.member_cards", T0, "inc-a"))
                .doesNotStartWith(TableLinks.heldPrefix("coop.members"));
    }

    @Test
    void linksAndDecidedMarksRoundTripAndANewerLayoutIsRefused() {
        TableLinks links = TableLinks.none().with("inc-a", T0).with("inc-b", T0 + HOUR);
        assertThat(TableLinks.decode(links.encode())).isEqualTo(links);
        assertThat(TableLinks.decodeDecided(TableLinks.encodeDecided(Long.MAX_VALUE)))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(TableLinks.decode(TableLinks.none().encode()).links()).isEqualTo(List.of());

        byte[] bytes = links.encode();
        bytes[1] = 9;
        assertThatThrownBy(() -> TableLinks.decode(bytes)).hasMessageContaining("layout version 9");
    }
}
