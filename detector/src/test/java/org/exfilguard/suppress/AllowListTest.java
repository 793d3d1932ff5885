package org.exfilguard.suppress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowListTest {

    private static final String BACKUP = """
            rules:
              - id: nightly-member-backup
                account: bkp_nightly
                table: coop.members
                host: 10.30.1.10
                window: {days: MON-SUN, from: "01:30", to: "03:30"}
                expires: 2027-01-01T00:00:00Z
                reason: nightly full backup of the member table to the backup vault
                owner: dba-team@example.com
            """;

    private static Candidate backupRead(String at) {
        return new Candidate("bkp_nightly", "coop.members", List.of("10.30.1.10"), List.of(), Instant.parse(at));
    }

    @Test
    void parsesTheDocumentedRule() throws Exception {
        AllowList list = AllowList.parse(BACKUP);
        AllowRule rule = list.rules().get(0);
        assertThat(rule.id()).isEqualTo("nightly-member-backup");
        assertThat(rule.owner()).isEqualTo("dba-team@example.com");
        assertThat(rule.reason()).startsWith("nightly full backup");
        assertThat(rule.expires()).contains(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(list.match(backupRead("2026-05-04T02:15:00Z"))).contains(rule);
        assertThat(list.match(backupRead("2026-05-04T12:15:00Z"))).isEmpty();
        assertThat(list.match(backupRead("2027-01-01T02:15:00Z"))).as("expired").isEmpty();
    }

    @Test
    void firstMatchingRuleInFileOrderWins() throws Exception {
        AllowList list = AllowList.parse("""
                rules:
                  - {id: narrow, account: bkp_nightly, table: coop.orders, reason: r, owner: o}
                  - {id: second, account: "bkp_*", reason: r, owner: o}
                  - {id: third, table: coop.members, reason: r, owner: o}
                """);
        assertThat(list.match(backupRead("2026-05-04T02:15:00Z")).map(AllowRule::id))
                .contains("second");
        AllowList reversed =
                AllowList.of(List.of(list.rules().get(2), list.rules().get(1)));
        assertThat(reversed.match(backupRead("2026-05-04T02:15:00Z")).map(AllowRule::id))
                .contains("third");
    }

    @Test
    void emptyDocumentsHaveNoRules() throws Exception {
        assertThat(AllowList.parse("").isEmpty()).isTrue();
        assertThat(AllowList.parse("# nothing yet\n").isEmpty()).isTrue();
        assertThat(AllowList.parse("rules: []\n").isEmpty()).isTrue();
        assertThat(AllowList.parse("rules:\n").isEmpty()).isTrue();
    }

    @Test
    void refusesUnknownFieldNamingRuleAndField() {
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("    host:", "    hots:")))
                .isInstanceOf(AllowListException.class)
                .hasMessageContaining("rule #1 (id 'nightly-member-backup')")
                .hasMessageContaining("unknown field 'hots'");
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("from: \"01:30\"", "form: \"01:30\"")))
                .hasMessageContaining("field 'window'")
                .hasMessageContaining("unknown field 'form'");
        assertThatThrownBy(() -> AllowList.parse("rule:\n  - {id: a, account: u, reason: r, owner: o}\n"))
                .hasMessageContaining("unknown top-level field 'rule'");
    }

    @Test
    void refusesRepeatedFieldRatherThanKeepTheLast() {
        assertThatThrownBy(() -> AllowList.parse(
                        BACKUP.replace("    host: 10.30.1.10\n", "    host: 10.30.1.10\n    host: 0.0.0.0/0\n")))
                .hasMessageContaining("Duplicate field 'host'");
    }

    @Test
    void refusesGlobsThatMatchEveryAccountOrTable() {
        for (String field : List.of(
                "table: \"*.*\"",
                "table: \"?*\"",
                "table: \"*?.*\"",
                "table: \"**\"",
                "account: \"?*\"",
                "account: \"*?\"",
                "account: \"**\"",
                "account: \"??*\"")) {
            assertThatThrownBy(() -> AllowList.parse("rules:\n  - {id: wide, " + field + ", reason: r, owner: o}\n"))
                    .as(field)
                    .isInstanceOf(AllowListException.class)
                    .hasMessageContaining("would suppress every alert");
        }
    }

    @Test
    void keepsGlobsThatNameSomething() throws Exception {
        AllowList list = AllowList.parse("""
                rules:
                  - {id: svc, account: "svc_*", reason: r, owner: o}
                  - {id: one-char, account: "?", reason: r, owner: o}
                  - {id: coop, table: "coop.*", reason: r, owner: o}
                  - {id: dotted-account, account: "*.*", reason: r, owner: o}
                """);
        assertThat(list.size()).isEqualTo(4);
    }

    @Test
    void refusesHostRulesThatTogetherCoverEveryAddress() {
        assertThatThrownBy(() -> AllowList.parse("""
                rules:
                  - {id: low-half, host: 0.0.0.0/1, reason: r, owner: o}
                  - {id: members, account: "bob", host: 10.0.0.0/8, reason: r, owner: o}
                  - {id: high-half, host: 128.0.0.0/1, reason: r, owner: o}
                """))
                .isInstanceOf(AllowListException.class)
                .hasMessageContaining("rules ['low-half', 'high-half'] would together suppress every alert")
                .hasMessageContaining("every IPv4 address");
        assertThatThrownBy(() -> AllowList.parse("""
                rules:
                  - {id: a, host: "::/1", table: "*", reason: r, owner: o}
                  - {id: b, host: "8000::/2", reason: r, owner: o}
                  - {id: c, host: "c000::/2", account: "?*", reason: r, owner: o}
                """)).hasMessageContaining("every IPv6 address");
        assertThatThrownBy(() -> AllowList.parse("""
                rules:
                  - {id: a, destination: 0.0.0.0/1, reason: r, owner: o}
                  - {id: b, destination: 128.0.0.0/2, reason: r, owner: o}
                  - {id: c, destination: 192.0.0.0/2, reason: r, owner: o}
                """)).hasMessageContaining("every IPv4 address");
    }

    @Test
    void keepsHostRulesWithAGapOrThatNameAnAccount() throws Exception {
        assertThat(AllowList.parse("""
                rules:
                  - {id: low-half, host: 0.0.0.0/1, reason: r, owner: o}
                  - {id: most-of-high, host: 128.0.0.0/2, reason: r, owner: o}
                  - {id: rest, host: 192.0.0.0/3, reason: r, owner: o}
                  - {id: bob-anywhere, account: bob, host: 224.0.0.0/3, reason: r, owner: o}
                """).size()).isEqualTo(4);
    }

    @Test
    void warnsOfExpiredRulesAndHostBitsSet() throws Exception {
        AllowList list = AllowList.parse("""
                rules:
                  - {id: old, account: u1, expires: 2026-01-01T00:00:00Z, reason: r, owner: o}
                  - {id: sloppy, host: 10.0.0.1/8, reason: r, owner: o}
                  - {id: fine, host: 10.1.0.0/16, expires: 2027-01-01T00:00:00Z, reason: r, owner: o}
                """);
        assertThat(list.warnings(Instant.parse("2026-06-01T00:00:00Z")))
                .containsExactly(
                        "rule 'old' expired at 2026-01-01T00:00:00Z: it no longer suppresses new alerts (only events before then)",
                        "rule 'sloppy': host 10.0.0.1/8 has host bits set; it is read as 10.0.0.0/8");
    }

    @Test
    void refusesUnconstrainedRuleInFile() {
        assertThatThrownBy(() -> AllowList.parse("""
                rules:
                  - {id: ok, account: u, reason: r, owner: o}
                  - id: everything-at-night
                    window: {from: "00:00", to: "06:00"}
                    reason: quiet hours
                    owner: someone
                """))
                .hasMessageContaining("rule #2 (id 'everything-at-night')")
                .hasMessageContaining("would suppress every alert");
    }

    @Test
    void namesFieldOfABadValue() {
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("10.30.1.10", "10.30.1.300")))
                .hasMessageContaining("rule #1 (id 'nightly-member-backup'): field 'host': not an IP address");
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("2027-01-01T00:00:00Z", "2027-01-01")))
                .hasMessageContaining("field 'expires': expected an instant");
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("MON-SUN", "MON-SUNDAY")))
                .hasMessageContaining("field 'window': unknown day 'SUNDAY'");
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("account: bkp_nightly", "account: no")))
                .hasMessageContaining("field 'account': expected a single text value (quote it");
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("days: MON-SUN", "days: SAT,SUN")))
                .as("an unquoted comma inside {...} splits the mapping")
                .hasMessageContaining("unknown field 'SUN'");
        assertThatThrownBy(() -> AllowList.parse("rules:\n  - {account: u, reason: r, owner: o}\n"))
                .hasMessageContaining("rule #1: field 'id'");
        assertThatThrownBy(() -> AllowList.parse(BACKUP.replace("    owner: dba-team@example.com\n", "")))
                .hasMessageContaining(
                        "rule #1 (id 'nightly-member-backup'): rule 'nightly-member-backup' needs an owner");
    }

    @Test
    void refusesDuplicateIdsAndBrokenYaml() {
        assertThatThrownBy(() -> AllowList.parse("""
                rules:
                  - {id: a, account: u, reason: r, owner: o}
                  - {id: a, account: v, reason: r, owner: o}
                """)).hasMessageContaining("duplicate rule id 'a'");
        assertThatThrownBy(() -> AllowList.parse("rules:\n  - {id: a, account: u\n"))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> AllowList.parse("rules: nightly\n")).hasMessageContaining("'rules' must be a list");
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("allow.yaml");
        Files.writeString(file, "rules:\n  - {id: a, reason: r, owner: o}\n");
        assertThatThrownBy(() -> AllowList.load(file)).hasMessageStartingWith(file + ": rule #1 (id 'a')");
        assertThatThrownBy(() -> AllowList.load(dir.resolve("missing.yaml"))).hasMessageContaining("no such file");
    }

    @Test
    void documentedExampleFileLoadsAndMatches() throws Exception {
        Path example = Path.of(Objects.requireNonNull(getClass().getResource("/suppress/allowlist-example.yaml"))
                .toURI());
        AllowList list = AllowList.load(example);
        assertThat(list.rules())
                .extracting(AllowRule::id)
                .containsExactly("nightly-member-backup", "weekend-reporting-exports", "member-db-migration");
        // Saturday 3 January 2026, 23:00 UTC: inside the Friday-to-Sunday night window.
        Candidate export = new Candidate(
                "svc_reporting",
                "coop.orders",
                List.of("10.20.3.4"),
                List.of("10.40.8.20"),
                Instant.parse("2026-01-03T23:00:00Z"));
        assertThat(list.match(export).map(AllowRule::id)).contains("weekend-reporting-exports");
        Candidate leak = new Candidate(
                "svc_reporting",
                "coop.orders",
                List.of("10.20.3.4"),
                List.of("10.40.8.20", "198.51.100.9"),
                Instant.parse("2026-01-03T23:00:00Z"));
        assertThat(list.match(leak))
                .as("an upload to an outside address is not covered")
                .isEmpty();
        Candidate migration = new Candidate(
                "dba_alice", "coop.members", List.of("10.1.1.1"), List.of(), Instant.parse("2026-03-15T01:00:00Z"));
        assertThat(list.match(migration).map(AllowRule::id)).contains("member-db-migration");
    }
}
