package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.detect.Threshold;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.Test;

/**
 * Peer groups (issue 15 item 7): a new account is judged against the peers of its configured group, not against
 * the accounts that happen to share its partition or the whole mixed population.
 */
class PeerGroupsTopologyTest {

    static final Instant DAY0 = DetectorTopologyTest.DAY0;
    /** As configured: {@code peer.groups=service:svc_*,bi:bi_*}. */
    static final String ROLES = "service:svc_*,bi:bi_*";

    /** Three days of six service accounts reading 40,000 rows an hour, and six BI analysts reading 200 rows. */
    private static void learn(DetectorDriver driver) {
        for (int d = 0; d < 3; d++) {
            Instant day = DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(10));
            for (int a = 0; a < 6; a++) {
                for (int i = 0; i < 8; i++) {
                    driver.pipe(TestEvents.dbRead()
                            .account("svc_batch" + a)
                            .clientIp("10.10.1." + a)
                            .rows(5_000)
                            .at(day.plus(Duration.ofMinutes(7L * i + a)))
                            .build());
                }
                driver.pipe(TestEvents.dbRead()
                        .account("bi_analyst" + a)
                        .clientIp("10.20.1." + a)
                        .rows(200)
                        .at(day.plus(Duration.ofMinutes(30 + a)))
                        .build());
            }
        }
    }

    /** A new account's first day: 30,000 rows in 35 minutes. */
    private static void firstDay(DetectorDriver driver, String account) {
        Instant start = DAY0.plus(Duration.ofDays(3)).plus(Duration.ofHours(14));
        for (int i = 0; i < 6; i++) {
            driver.pipe(TestEvents.dbRead()
                    .account(account)
                    .clientIp("10.30.1.1")
                    .rows(5_000)
                    .at(start.plus(Duration.ofMinutes(7L * i)))
                    .build());
        }
    }

    private static List<ExfiltrationAlert> run(String peerGroups, String newAccount) {
        try (DetectorDriver driver = DetectorDriver.builder()
                .withConfig(ExfilguardConfig.PEER_GROUPS, peerGroups)
                .build()) {
            learn(driver);
            assertThat(driver.alerts()).as("no alert while the peers learn").isEmpty();
            firstDay(driver, newAccount);
            return driver.alerts().stream()
                    .filter(a -> a.getAccount().equals(newAccount))
                    .toList();
        }
    }

    @Test
    void aNewServiceAccountIsJudgedAgainstServicePeersNotBiPeers() {
        assertThat(run(ROLES, "svc_new"))
                .as("30,000 rows is what service accounts read: no alert against svc_* peers")
                .isEmpty();
        List<ExfiltrationAlert> bi = run(ROLES, "bi_new");
        assertThat(bi)
                .as("the same reads by a new BI account are far above its bi_* peers")
                .isNotEmpty();
        assertThat(bi.get(0).getBaselineMethod()).isEqualTo(Threshold.PEER);
        assertThat(bi.get(0).getBaselineRows())
                .as("the BI peers' quantile, not the population's")
                .isLessThanOrEqualTo(200.0);
    }

    @Test
    void withoutGroupsOrForAnAccountInNoGroupTheWholePopulationJudges() {
        assertThat(run("", "bi_new"))
                .as("against the mixed population (half service accounts) 30,000 rows is not unusual")
                .isEmpty();
        assertThat(run(ROLES, "contractor7"))
                .as("in no group: the whole population, as without groups")
                .isEmpty();
    }
}
