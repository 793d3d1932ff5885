package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerGroupsTest {

    @Test
    void theFirstMatchingEntryThenTheFileNamesTheGroup() {
        PeerGroups groups = PeerGroups.parse(
                List.of("service:svc_*", "bi:bi_?x"),
                "groups.csv",
                List.of("# role groups", "", "finance, fin_*", "service,svc_pay*"));
        assertThat(groups.groupOf("svc_pay1")).isEqualTo("service");
        assertThat(groups.groupOf("bi_ax")).isEqualTo("bi");
        assertThat(groups.groupOf("bi_abx")).isNull();
        assertThat(groups.groupOf("fin_ledger")).isEqualTo("finance");
        assertThat(groups.groupOf("Svc_x")).as("names compared exactly").isNull();
        assertThat(groups.groupOf("a.b")).isNull();
        assertThat(PeerGroups.none().groupOf("svc_x")).isNull();
    }

    @Test
    void aBadLineOrEntryIsOneLineNamingIt() {
        assertThatThrownBy(() -> PeerGroups.parse(List.of(), "/etc/exfilguard/groups.csv", List.of("ok,svc_*", "bi")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("/etc/exfilguard/groups.csv:2: expected group,account-pattern")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> PeerGroups.parse(List.of(), "g.csv", List.of("bad name,svc_*")))
                .hasMessageStartingWith("g.csv:1: group name 'bad name'");
        assertThatThrownBy(() -> PeerGroups.parse(List.of("svc_*"), "", List.of()))
                .hasMessageContaining("peer.groups entry 'svc_*'");
    }

    @Test
    void aGroupJudgesOnceItHasEnoughAccountDaysAndEveryDayTeachesThePopulationToo() {
        java.util.Map<String, List<Double>> added = new java.util.HashMap<>();
        PeerBaselines store = new PeerBaselines() {
            @Override
            public long count(String scope, String window) {
                return added.getOrDefault(scope, List.of()).size();
            }

            @Override
            public double quantile(String scope, String window, double q) {
                return added.getOrDefault(scope, List.of()).stream()
                        .mapToDouble(Double::doubleValue)
                        .max()
                        .orElse(Double.NaN);
            }

            @Override
            public double rank(String scope, String window, double value) {
                return 0;
            }

            @Override
            public void add(String scope, String window, double peak) {
                added.computeIfAbsent(scope, k -> new java.util.ArrayList<>()).add(peak);
            }
        };
        PeerGroups groups = PeerGroups.parse(List.of("service:svc_*"), "", List.of());
        for (int i = 0; i < 5; i++) {
            store.add("coop.members", "1h", 1_000_000);
        }
        PeerBaselines svc = groups.forAccount(store, "svc_a", 3);
        svc.add("coop.members", "1h", 10);
        svc.add("coop.members", "1h", 20);
        assertThat(svc.quantile("coop.members", "1h", 0.75))
                .as("two service account-days: too few, the population judges")
                .isEqualTo(1_000_000);
        svc.add("coop.members", "1h", 30);
        assertThat(svc.count("coop.members", "1h")).isEqualTo(3);
        assertThat(svc.quantile("coop.members", "1h", 0.75)).isEqualTo(30);
        assertThat(store.count("coop.members", "1h"))
                .as("the population learnt them too")
                .isEqualTo(8);
        assertThat(groups.forAccount(store, "jdoe", 3)).isSameAs(store);
    }
}
