package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.Test;

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
        return rs.stream().filter(r -> r instanceof ParseResult.Event).map(r -> (DbAccessEvent) ((ParseResult.Event) r).record()).toList();
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
        DbAccessEvent e = events(parse("LOG:  AUDIT: OBJECT,1,1,READ,SELECT,TABLE,coop.members,<not logged>,<not logged>,42")).get(0);
        assertThat(e.getOperation()).isEqualTo(Operation.SELECT);
        assertThat(e.getTables()).containsExactly("coop.members");
        assertThat(e.getStatementFingerprint()).isNull();
        assertThat(e.getRowsReturned()).isEqualTo(42);
    }

    @Test
    void copyToIsCopyOut() {
        DbAccessEvent e = events(parse("LOG:  AUDIT: SESSION,2,1,READ,COPY,,,COPY members TO STDOUT,<none>,900")).get(0);
        assertThat(e.getOperation()).isEqualTo(Operation.COPY_OUT);
        assertThat(e.getTables()).containsExactly("public.members");
    }

    @Test
    void rejectsWrongFieldCountWithReason() {
        assertThat(parse("LOG:  AUDIT: SESSION,2,1,READ")).singleElement()
                .isInstanceOfSatisfying(ParseResult.Reject.class, r -> assertThat(r.reason()).contains("got 4"));
    }

    @Test
    void unterminatedQuoteEndsAtTheNextAuditLine() {
        List<ParseResult> rs = parse("""
                LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,"select * from members where a = 'x
                LOG:  AUDIT: SESSION,2,1,READ,SELECT,,,select * from cards,<none>,3
                """);
        assertThat(rs).filteredOn(r -> r instanceof ParseResult.Reject).singleElement()
                .isInstanceOfSatisfying(ParseResult.Reject.class, r -> {
                    assertThat(r.line()).isEqualTo(1);
                    assertThat(r.reason()).isEqualTo("unterminated quoted field");
                });
        assertThat(events(rs)).singleElement().extracting(DbAccessEvent::getTables).isEqualTo(List.of("public.cards"));
    }

    @Test
    void rejectsMalformedRows() {
        assertThat(parse("LOG:  AUDIT: SESSION,2,1,READ,SELECT,,,select 1,<none>,many")).singleElement()
                .isInstanceOfSatisfying(ParseResult.Reject.class, r -> assertThat(r.reason()).isEqualTo("malformed ROWS field"));
    }

    @Test
    void rejectExcerptMasksLiterals() {
        ParseResult r = parse("LOG:  AUDIT: SESSION,2,1,READ,SELECT,,,select 'ann@example.com',<none>,x").get(0);
        assertThat(((ParseResult.Reject) r).excerpt()).doesNotContain("ann@example.com");
    }
}
