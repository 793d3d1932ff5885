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
        assertThat(tables.match(List.of("`coop`.`members`", "coop.members"), null))
                .containsExactly("coop.members");
    }

    @Test
    void tablesCarryTiersAndAPlainListTakesTheDefaultTiers() {
        SensitiveTables tiered = SensitiveTables.parse("coop.member_cards:Critical, coop.members:high, orders");
        assertThat(tiered.entries()).containsExactly("coop.member_cards", "coop.members", "orders");
        assertThat(tiered.match(List.of("member_cards"), "coop")).containsExactly("coop.member_cards");
        assertThat(tiered.tier("coop.member_cards")).isEqualTo(SensitivityTier.CRITICAL);
        assertThat(tiered.tier("coop.members")).isEqualTo(SensitivityTier.HIGH);
        assertThat(tiered.tier("shop.orders"))
                .as("a bare entry's tier in any database")
                .isEqualTo(SensitivityTier.STANDARD);
        assertThat(tiered.tier("coop.addresses")).as("not a sensitive table").isNull();
        assertThat(tiered.leastSensitive()).isEqualTo(SensitivityTier.STANDARD);

        SensitiveTables plain = SensitiveTables.parse("coop.members,coop.member_cards");
        assertThat(plain.tier("coop.member_cards")).isEqualTo(SensitivityTier.CRITICAL);
        assertThat(plain.tier("coop.members")).isEqualTo(SensitivityTier.HIGH);
        assertThat(plain.leastSensitive())
                .as("all tables together: the member table's tier")
                .isEqualTo(SensitivityTier.HIGH);

        SensitiveTables own =
                SensitiveTables.of(List.of("coop.members", "hr.salaries"), List.of("hr.salaries:critical"));
        assertThat(own.tier("coop.members")).as("no default names it").isEqualTo(SensitivityTier.STANDARD);
        assertThat(own.tier("hr.salaries")).isEqualTo(SensitivityTier.CRITICAL);
    }

    @Test
    void anUnknownTierIsRejectedWithTheTiersThereAre() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SensitiveTables.parse("coop.member_cards:secret"))
                .hasMessageContaining("critical, high or standard");
    }

    @Test
    void tierFloorFactorsParseAndKeepTheDefaultsOfTiersLeftOut() {
        TierFloors floors = TierFloors.parse(List.of("critical:0.25:0.005"));
        assertThat(floors.of(SensitivityTier.CRITICAL)).isEqualTo(new TierFloors.Factors(0.25, 0.005));
        assertThat(floors.of(SensitivityTier.HIGH))
                .isEqualTo(TierFloors.defaults().of(SensitivityTier.HIGH));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TierFloors.parse(List.of("high:1")))
                .hasMessageContaining("tier:bulk-factor:off-hours-factor");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TierFloors.parse(List.of("high:0:1")))
                .hasMessageContaining("positive");
    }
}
