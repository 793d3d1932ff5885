package org.exfilguard.suppress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllowRuleTest {

    // Monday 5 January 2026, 02:00 UTC.
    private static final Instant MONDAY_0200 = Instant.parse("2026-01-05T02:00:00Z");

    private static AllowRule.Builder rule() {
        return AllowRule.builder("r1").reason("expected").owner("dba@example.com");
    }

    private static Candidate alert(
            String account, String table, List<String> clients, List<String> destinations, Instant at) {
        return new Candidate(account, table, clients, destinations, at);
    }

    private static Candidate read(String account, String table) {
        return alert(account, table, List.of("10.30.1.10"), List.of(), MONDAY_0200);
    }

    @Test
    void matchesExactAccountOnly() {
        AllowRule r = rule().account("bkp_nightly").build();
        assertThat(r.matches(read("bkp_nightly", "coop.members"))).isTrue();
        assertThat(r.matches(read("bkp_nightly2", "coop.members"))).isFalse();
        assertThat(r.matches(read("BKP_NIGHTLY", "coop.members")))
                .as("accounts are case-sensitive")
                .isFalse();
        assertThat(r.matches(read(null, "coop.members"))).isFalse();
    }

    @Test
    void matchesAccountGlob() {
        AllowRule r = rule().account("svc_*").build();
        assertThat(r.matches(read("svc_reporting", "coop.members"))).isTrue();
        assertThat(r.matches(read("svc_", "coop.members"))).isTrue();
        assertThat(r.matches(read("xsvc_reporting", "coop.members"))).isFalse();
        AllowRule single = rule().account("etl?").build();
        assertThat(single.matches(read("etl1", "t.t"))).isTrue();
        assertThat(single.matches(read("etl12", "t.t"))).isFalse();
    }

    @Test
    void globTreatsRegexCharactersLiterally() {
        AllowRule r = rule().account("a.b+").build();
        assertThat(r.matches(read("a.b+", "t.t"))).isTrue();
        assertThat(r.matches(read("axbb", "t.t"))).isFalse();
    }

    @Test
    void matchesTableCaseInsensitively() {
        AllowRule r = rule().table("Coop.Members").build();
        assertThat(r.matches(read("anyone", "coop.members"))).isTrue();
        assertThat(r.matches(read("anyone", "COOP.MEMBERS"))).isTrue();
        assertThat(r.matches(read("anyone", "coop.orders"))).isFalse();
        assertThat(r.matches(read("anyone", "*")))
                .as("an account-wide alert covers other tables too")
                .isFalse();
    }

    @Test
    void tableGlobAndBareNameAndStar() {
        AllowRule coop = rule().account("u").table("coop.*").build();
        assertThat(coop.matches(read("u", "coop.orders"))).isTrue();
        assertThat(coop.matches(read("u", "shop.orders"))).isFalse();
        AllowRule bare = rule().table("members").build();
        assertThat(bare.table()).contains("*.members");
        assertThat(bare.matches(read("u", "coop.members"))).isTrue();
        assertThat(bare.matches(read("u", "coop.members_old"))).isFalse();
        AllowRule any = rule().account("u").table("*").build();
        assertThat(any.matches(read("u", "*"))).isTrue();
        assertThat(any.matches(read("u", "shop.orders"))).isTrue();
    }

    @Test
    void hostMustContainEveryClientAddress() {
        AllowRule r = rule().host("10.30.1.0/24").build();
        assertThat(r.matches(alert("u", "t.t", List.of("10.30.1.10", "10.30.1.99"), List.of(), MONDAY_0200)))
                .isTrue();
        assertThat(r.matches(alert("u", "t.t", List.of("10.30.1.10", "10.30.2.1"), List.of(), MONDAY_0200)))
                .as("reads from a second, unlisted host are not covered")
                .isFalse();
        assertThat(r.matches(alert("u", "t.t", List.of(), List.of(), MONDAY_0200)))
                .isFalse();
        assertThat(r.matches(alert("u", "t.t", List.of("backup-host"), List.of(), MONDAY_0200)))
                .isFalse();
    }

    @Test
    void singleHostIsAnExactAddress() {
        AllowRule r = rule().host("10.30.1.10").build();
        assertThat(r.matches(read("u", "t.t"))).isTrue();
        assertThat(r.matches(alert("u", "t.t", List.of("10.30.1.11"), List.of(), MONDAY_0200)))
                .isFalse();
    }

    @Test
    void destinationNeedsEgressEvidenceAllInside() {
        AllowRule r = rule().destination("192.0.2.0/28").build();
        assertThat(r.matches(alert("u", "t.t", List.of("10.0.0.1"), List.of("192.0.2.5", "192.0.2.15"), MONDAY_0200)))
                .isTrue();
        assertThat(r.matches(alert("u", "t.t", List.of("10.0.0.1"), List.of("192.0.2.5", "192.0.2.16"), MONDAY_0200)))
                .isFalse();
        assertThat(r.matches(alert("u", "t.t", List.of("10.0.0.1"), List.of(), MONDAY_0200)))
                .as("a destination rule does not cover a read with no egress")
                .isFalse();
    }

    @Test
    void recurringWindowCrossingMidnightBelongsToItsStartDay() {
        AllowRule r = rule().account("u").window("FRI", "22:00", "02:00").build();
        assertThat(r.matches(at("2026-01-09T22:00:00Z"))).as("Friday 22:00").isTrue();
        assertThat(r.matches(at("2026-01-09T23:59:59Z"))).as("Friday night").isTrue();
        assertThat(r.matches(at("2026-01-10T01:59:59Z"))).as("early Saturday").isTrue();
        assertThat(r.matches(at("2026-01-10T02:00:00Z"))).as("end excluded").isFalse();
        assertThat(r.matches(at("2026-01-09T01:00:00Z")))
                .as("early Friday belongs to Thursday")
                .isFalse();
        assertThat(r.matches(at("2026-01-10T22:30:00Z"))).as("Saturday night").isFalse();
    }

    @Test
    void recurringWindowWithinOneDay() {
        AllowRule r = rule().account("u").window("MON-SUN", "01:30", "03:30").build();
        assertThat(r.matches(at("2026-01-05T01:30:00Z"))).isTrue();
        assertThat(r.matches(at("2026-01-11T03:29:59Z"))).isTrue();
        assertThat(r.matches(at("2026-01-05T01:29:59Z"))).isFalse();
        assertThat(r.matches(at("2026-01-05T03:30:00Z"))).isFalse();
        AllowRule weekdays =
                rule().account("u").window("MON-FRI", "01:30", "03:30").build();
        assertThat(weekdays.matches(at("2026-01-10T02:00:00Z"))).as("Saturday").isFalse();
    }

    @Test
    void maintenanceWindowIsHalfOpen() {
        AllowRule r = rule().table("coop.members")
                .maintenance(Instant.parse("2026-03-14T20:00:00Z"), Instant.parse("2026-03-15T08:00:00Z"))
                .build();
        assertThat(r.matches(at("2026-03-14T20:00:00Z"))).isTrue();
        assertThat(r.matches(at("2026-03-15T07:59:59Z"))).isTrue();
        assertThat(r.matches(at("2026-03-15T08:00:00Z"))).isFalse();
        assertThat(r.matches(at("2026-03-14T19:59:59Z"))).isFalse();
    }

    @Test
    void windowAndMaintenanceMustBothHold() {
        AllowRule r = rule().account("u")
                .window("MON-SUN", "01:00", "03:00")
                .maintenance(Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-01-07T00:00:00Z"))
                .build();
        assertThat(r.matches(at("2026-01-06T02:00:00Z"))).isTrue();
        assertThat(r.matches(at("2026-01-06T04:00:00Z")))
                .as("outside the nightly window")
                .isFalse();
        assertThat(r.matches(at("2026-01-08T02:00:00Z")))
                .as("after the maintenance period")
                .isFalse();
    }

    @Test
    void expiryIsJudgedByEventTime() {
        AllowRule r = rule().account("u")
                .expires(Instant.parse("2026-01-05T02:00:00Z"))
                .build();
        assertThat(r.matches(at("2026-01-05T01:59:59Z"))).isTrue();
        assertThat(r.matches(at("2026-01-05T02:00:00Z"))).isFalse();
        // Long expired by the wall clock, yet a replay of logs from before the expiry is still suppressed.
        AllowRule old = rule().account("u")
                .expires(Instant.parse("2001-01-01T00:00:00Z"))
                .build();
        assertThat(old.matches(at("2000-06-01T00:00:00Z"))).isTrue();
        assertThat(old.expiredAt(Instant.parse("2001-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void allFieldsCombine() {
        AllowRule r = rule().account("bkp_nightly")
                .table("coop.members")
                .host("10.30.1.10")
                .build();
        assertThat(r.matches(read("bkp_nightly", "coop.members"))).isTrue();
        assertThat(r.matches(read("bkp_nightly", "coop.orders"))).isFalse();
        assertThat(r.matches(read("mallory", "coop.members"))).isFalse();
    }

    @Test
    void refusesRuleThatWouldSuppressEverything() {
        assertThatThrownBy(() -> rule().window("MON-SUN", "00:00", "23:59").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would suppress every alert");
        assertThatThrownBy(
                        () -> rule().account("*").table("*").host("0.0.0.0/0").build())
                .hasMessageContaining("would suppress every alert");
        assertThatThrownBy(() -> rule().account("**").build()).hasMessageContaining("would suppress every alert");
    }

    @Test
    void refusesRuleWithoutReasonOrOwner() {
        assertThatThrownBy(() -> AllowRule.builder("r").account("u").owner("o").build())
                .hasMessageContaining("reason");
        assertThatThrownBy(
                        () -> AllowRule.builder("r").account("u").reason("why").build())
                .hasMessageContaining("owner");
        assertThatThrownBy(() -> AllowRule.builder("r").account("u").reason(" "))
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> AllowRule.builder(" ")).hasMessageContaining("id");
    }

    private static Candidate at(String instant) {
        return alert("u", "coop.members", List.of("10.30.1.10"), List.of(), Instant.parse(instant));
    }
}
