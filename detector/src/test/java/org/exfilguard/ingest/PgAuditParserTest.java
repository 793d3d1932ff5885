package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PgAuditParserTest {

    private static List<ParseResult> parse(String text) {
        PgAuditParser p = new PgAuditParser("pg", ParserOptions.defaults());
        List<ParseResult> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            p.accept(line, out::add);
        }
        p.finish(out::add);
        return out;
    }

    private static List<DbAccessEvent> events(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Event)
                .map(r -> (DbAccessEvent) ((ParseResult.Event) r).record())
                .toList();
    }

    @Test
    void readsPrefixRowsAndMultiLineQuotedStatement() {
        List<ParseResult> rs = parse("""
                2025-05-02 03:14:07.123 UTC [4711]: [3-1] user=mallory,db=coop,client=10.2.3.4 LOG:  AUDIT: SESSION,7,1,READ,SELECT,,,"SELECT email, card
                  FROM members
                 WHERE note = 'x,y'",<none>,250000
                2025-05-02 03:14:07.123 UTC [4711]: [4-1] user=mallory,db=coop,client=10.2.3.4 LOG:  AUDIT: OBJECT,7,1,READ,SELECT,TABLE,public.members,<previously logged>,<previously logged>,250000
                2025-05-02 03:14:08 UTC [4711]: [5-1] user=mallory,db=coop,client=10.2.3.4 LOG:  duration: 812 ms
                """);
        assertThat(rs).filteredOn(r -> r instanceof ParseResult.Reject).isEmpty();
        DbAccessEvent e = events(rs).get(0);
        assertThat(events(rs)).hasSize(1);
        assertThat(e.getAccount()).isEqualTo("mallory");
        assertThat(e.getDatabase()).isEqualTo("coop");
        assertThat(e.getClientIp()).isEqualTo("10.2.3.4");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2025-05-02T03:14:07.123Z"));
        assertThat(e.getRowsReturned()).isEqualTo(250_000);
        assertThat(e.getTables()).containsExactly("public.members");
        assertThat(e.getOperation()).isEqualTo(Operation.SELECT);
        assertThat(e.getSessionId()).isEqualTo("4711");
        assertThat(e.getStatementFingerprint()).isEqualTo("select email, card from members where note = ?");
    }

    @Test
    void notLoggedStatementUsesClassAndObjectName() {
        DbAccessEvent e = events(
                        parse("LOG:  AUDIT: OBJECT,1,1,READ,SELECT,TABLE,coop.members,<not logged>,<not logged>,42"))
                .get(0);
        assertThat(e.getOperation()).isEqualTo(Operation.SELECT);
        assertThat(e.getTables()).containsExactly("coop.members");
        assertThat(e.getStatementFingerprint()).isNull();
        assertThat(e.getRowsReturned()).isEqualTo(42);
    }

    @Test
    void copyToIsCopyOut() {
        DbAccessEvent e = events(parse("LOG:  AUDIT: SESSION,2,1,READ,COPY,,,COPY members TO STDOUT,<none>,900"))
                .get(0);
        assertThat(e.getOperation()).isEqualTo(Operation.COPY_OUT);
        assertThat(e.getTables()).containsExactly("public.members");
    }

    @Test
    void rejectsWrongFieldCountWithReason() {
        assertThat(parse("LOG:  AUDIT: SESSION,2,1,READ"))
                .singleElement()
                .isInstanceOfSatisfying(
                        ParseResult.Reject.class, r -> assertThat(r.reason()).contains("got 4"));
    }

    @Test
    void unterminatedQuoteEndsAtTheNextAuditLine() {
        List<ParseResult> rs = parse("""
                LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,"select * from members where a = 'x
                LOG:  AUDIT: SESSION,2,1,READ,SELECT,,,select * from cards,<none>,3
                """);
        assertThat(rs)
                .filteredOn(r -> r instanceof ParseResult.Reject)
                .singleElement()
                .isInstanceOfSatisfying(ParseResult.Reject.class, r -> {
                    assertThat(r.line()).isEqualTo(1);
                    assertThat(r.reason()).isEqualTo("unterminated quoted field");
                });
        assertThat(events(rs))
                .singleElement()
                .extracting(DbAccessEvent::getTables)
                .isEqualTo(List.of("public.cards"));
    }

    @Test
    void rejectsMalformedRows() {
        assertThat(parse("LOG:  AUDIT: SESSION,2,1,READ,SELECT,,,select 1,<none>,many"))
                .singleElement()
                .isInstanceOfSatisfying(
                        ParseResult.Reject.class, r -> assertThat(r.reason()).isEqualTo("malformed ROWS field"));
    }

    @Test
    void rejectExcerptMasksLiterals() {
        ParseResult r = parse("LOG:  AUDIT: SESSION,2,1,READ,SELECT,,,select 'ann@example.com',<none>,x")
                .get(0);
        assertThat(((ParseResult.Reject) r).excerpt()).doesNotContain("ann@example.com");
    }

    /** One backend session as a prefix layout shows it. */
    record Session(String user, String db, String client, int pid, String sessionId) {}

    private static final Session ALICE = new Session("alice", "coop", "10.0.0.7", 5184, "65e6f1a2.1440");
    private static final Session BOB = new Session("bob", "coop", "10.0.0.9", 6001, "65e6f1b0.1771");

    /**
     * The prefix layouts postgres and its hosts document, each with whether it names the user. Time, pid and session
     * fields are those of the session.
     */
    static Stream<Arguments> prefixLayouts() {
        return Stream.of(
                layout(
                        "'%m [%p] ' (the default since 10)",
                        false, s -> "2024-03-05 10:15:30.123 UTC [" + s.pid() + "] "),
                layout(
                        "'%m [%p] %q%u@%d ' (Debian)",
                        true, s -> "2024-03-05 10:15:30.123 UTC [" + s.pid() + "] " + s.user() + "@" + s.db() + " "),
                layout(
                        "'%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ' (pgBadger)",
                        true,
                        s -> "2024-03-05 10:15:30 UTC [" + s.pid() + "]: [3-1] user=" + s.user() + ",db=" + s.db()
                                + ",app=psql,client=" + s.client() + " "),
                layout("'%m [%p]: [%l-1] '", false, s -> "2024-03-05 10:15:30.123 UTC [" + s.pid() + "]: [3-1] "),
                layout("'%c '", false, s -> s.sessionId() + " "),
                layout("'%m %c '", false, s -> "2024-03-05 10:15:30.123 UTC " + s.sessionId() + " "),
                layout(
                        "'%m [%p] %c '",
                        false, s -> "2024-03-05 10:15:30.123 UTC [" + s.pid() + "] " + s.sessionId() + " "),
                layout(
                        "syslog with 'user=%u,db=%d '",
                        true,
                        s -> "Mar  5 10:15:30 db1 postgres[" + s.pid() + "]: [3-1] user=" + s.user() + ",db=" + s.db()
                                + " "),
                layout(
                        "container stderr with '%t [%p]: [%l-1] user=%u,db=%d,client=%h '",
                        true,
                        s -> "2024-03-05T10:15:30.123456789Z stderr F 2024-03-05 10:15:30 UTC [" + s.pid()
                                + "]: [1-1] user=" + s.user() + ",db=" + s.db() + ",client=" + s.client() + " "),
                layout(
                        "IBM Cloud '%t [%a] [%e] [%p]: [%l-1] user=%u,db=%d,client=%h '",
                        true,
                        s -> "2024-03-05 10:15:30 UTC [psql] [00000] [" + s.pid() + "]: [1-1] user=" + s.user() + ",db="
                                + s.db() + ",client=" + s.client() + " "),
                layout(
                        "RDS '%t:%r:%u@%d:[%p]:'",
                        true,
                        s -> "2024-03-05 10:15:30 UTC:" + s.client() + "(54321):" + s.user() + "@" + s.db() + ":["
                                + s.pid() + "]:"),
                layout("'%m pid=%p '", false, s -> "2024-03-05 10:15:30.123 UTC pid=" + s.pid() + " "));
    }

    private static Arguments layout(String name, boolean namesUser, Function<Session, String> prefix) {
        return Arguments.of(name, namesUser, prefix);
    }

    private static String auditLine(String prefix, String csv) {
        return prefix + "LOG:  AUDIT: " + csv;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prefixLayouts")
    void interleavedSessionsWithTheSameStatementIdStayApart(
            String name, boolean namesUser, Function<Session, String> prefix) {
        // pgaudit with log_relation writes one line per relation; bob's line lands between alice's two.
        String aliceSql = "\"select * from coop.members m join coop.cards c on c.member_id = m.id where m.id < 6\"";
        List<ParseResult> rs = parse(String.join(
                "\n",
                auditLine(
                        prefix.apply(ALICE),
                        "SESSION,1,1,READ,SELECT,TABLE,coop.members," + aliceSql + ",<not logged>,5"),
                auditLine(
                        prefix.apply(BOB),
                        "SESSION,1,1,READ,SELECT,TABLE,coop.orders,\"select * from coop.orders\",<not logged>,900000"),
                auditLine(
                        prefix.apply(ALICE),
                        "SESSION,1,1,READ,SELECT,TABLE,coop.cards," + aliceSql + ",<not logged>,5")));
        assertThat(rs).filteredOn(r -> !(r instanceof ParseResult.Event)).isEmpty();
        List<DbAccessEvent> ev = events(rs);
        assertThat(ev).hasSize(2);
        DbAccessEvent alice = ev.stream()
                .filter(e -> e.getTables().contains("coop.members"))
                .findFirst()
                .orElseThrow();
        DbAccessEvent bob = ev.stream()
                .filter(e -> e.getTables().contains("coop.orders"))
                .findFirst()
                .orElseThrow();
        assertThat(alice.getTables()).containsExactlyInAnyOrder("coop.members", "coop.cards");
        assertThat(alice.getRowsReturned()).isEqualTo(5);
        assertThat(bob.getTables()).containsExactly("coop.orders");
        assertThat(bob.getRowsReturned()).isEqualTo(900_000);
        assertThat(alice.getSessionId()).isNotNull().isNotEqualTo(bob.getSessionId());
        if (namesUser) {
            assertThat(alice.getAccount()).isEqualTo("alice");
            assertThat(bob.getAccount()).isEqualTo("bob");
            assertThat(alice.getDatabase()).isEqualTo("coop");
        }
    }

    @Test
    void defaultPrefixSessionsAreKeyedByPid() {
        List<DbAccessEvent> ev = events(parse("""
                2024-03-05 10:15:30.123 UTC [5184] LOG:  AUDIT: SESSION,1,1,READ,SELECT,TABLE,coop.members,select * from coop.members,<not logged>,5
                2024-03-05 10:15:30.124 UTC [6001] LOG:  AUDIT: SESSION,1,1,READ,SELECT,TABLE,coop.orders,select * from coop.orders,<not logged>,900000
                """));
        assertThat(ev).extracting(DbAccessEvent::getSessionId).containsExactly("5184", "6001");
        assertThat(ev).extracting(DbAccessEvent::getRowsReturned).containsExactly(5L, 900_000L);
    }

    @Test
    void reusedPidOfANewSessionIsAnotherSession() {
        // '%m [%p] %c ': the second backend got pid 5184 again; its session id tells it apart.
        List<DbAccessEvent> ev = events(parse("""
                2024-03-05 10:15:30.123 UTC [5184] 65e6f1a2.1440 LOG:  AUDIT: SESSION,1,1,READ,SELECT,TABLE,coop.members,select * from coop.members,<not logged>,5
                2024-03-05 10:15:40.123 UTC [5184] 65e6f1b0.1440 LOG:  AUDIT: SESSION,1,1,READ,SELECT,TABLE,coop.orders,select * from coop.orders,<not logged>,7
                """));
        assertThat(ev).extracting(DbAccessEvent::getSessionId).containsExactly("65e6f1a2.1440", "65e6f1b0.1440");
    }

    @Test
    void linesWithoutASessionAreNeverMerged() {
        for (String prefix : List.of("", "2024-03-05 10:15:30 UTC ", "2024-03-05 10:15:30 UTC [3-1] ")) {
            List<DbAccessEvent> ev = events(
                    parse(
                            String.join(
                                    "\n",
                                    auditLine(
                                            prefix,
                                            "SESSION,1,1,READ,SELECT,TABLE,coop.members,select * from coop.members,<not logged>,5"),
                                    auditLine(
                                            prefix,
                                            "SESSION,1,1,READ,SELECT,TABLE,coop.orders,select * from coop.orders,<not logged>,900000"))));
            assertThat(ev)
                    .as("prefix '%s'", prefix)
                    .extracting(DbAccessEvent::getTables)
                    .containsExactly(List.of("coop.members"), List.of("coop.orders"));
            assertThat(ev).extracting(DbAccessEvent::getSessionId).containsOnlyNulls();
        }
    }

    @Test
    void sessionStatementIsEmittedOnceOtherSessionsHaveMovedOn() {
        PgAuditParser p = new PgAuditParser("pg", ParserOptions.defaults());
        List<ParseResult> out = new ArrayList<>();
        p.accept(
                "2024-03-05 10:15:30 UTC [5184]: LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select * from coop.members,<not logged>,5",
                out::add);
        for (int i = 1; i < PgAuditParser.GROUP_WINDOW_LINES; i++) {
            p.accept(
                    "2024-03-05 10:15:30 UTC [6001]: LOG:  AUDIT: SESSION," + i
                            + ",1,READ,SELECT,,,select 1,<not logged>,1",
                    out::add);
        }
        assertThat(events(out)).noneMatch(e -> e.getSessionId().equals("5184"));
        p.accept(
                "2024-03-05 10:15:30 UTC [6001]: LOG:  AUDIT: SESSION,1000,1,READ,SELECT,,,select 1,<not logged>,1",
                out::add);
        assertThat(events(out)).anyMatch(e -> e.getSessionId().equals("5184"));
    }

    @Test
    void openSessionsAreBounded() {
        PgAuditParser p = new PgAuditParser("pg", ParserOptions.defaults());
        List<ParseResult> out = new ArrayList<>();
        for (int pid = 1; pid <= PgAuditParser.MAX_OPEN_SESSIONS + 1; pid++) {
            p.accept(
                    "2024-03-05 10:15:30 UTC [" + pid
                            + "]: LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<not logged>,1",
                    out::add);
        }
        assertThat(events(out))
                .singleElement()
                .extracting(DbAccessEvent::getSessionId)
                .isEqualTo("1");
        p.finish(out::add);
        assertThat(events(out)).hasSize(PgAuditParser.MAX_OPEN_SESSIONS + 1);
    }

    @Test
    void backslashBeforeAQuoteDoesNotLetTheNextLiteralOut() {
        // Valid under standard_conforming_strings: 'C:\' is a whole literal.
        DbAccessEvent e = events(
                        parse(
                                "2024-03-05 10:15:30 UTC [5184]: LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,\"SELECT * FROM coop.members"
                                        + " WHERE note = 'C:\\' OR email = 'alice.leak@example.com' OR card = 'VISA4111111111111111'\",<not logged>,3"))
                .get(0);
        assertThat(e.getStatementFingerprint())
                .isEqualTo("select * from coop.members where note = ? or email = ? or card = ?");
        assertThat(e.getTables()).containsExactly("coop.members");
    }
}
