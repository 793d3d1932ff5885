package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SensitiveTablesTest {

    @Test
    void matchesQualifiedUnqualifiedAndAnyDatabaseEntriesCaseInsensitively() {
        SensitiveTables tables = SensitiveTables.parse("coop.members, Cards");
        assertThat(tables.match(List.of("COOP.MEMBERS"), null)).containsExactly("coop.members");
        assertThat(tables.match(List.of("members"), "Coop")).containsExactly("coop.members");
        assertThat(tables.match(List.of("members"), "shop")).isEmpty();
        assertThat(tables.match(List.of("shop.cards", "coop.orders"), null)).containsExactly("shop.cards");
        assertThat(tables.match(List.of("`coop`.`members`", "coop.members"), null)).containsExactly("coop.members");
    }
}
