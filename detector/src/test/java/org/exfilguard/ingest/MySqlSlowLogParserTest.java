package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.Test;

class MySqlSlowLogParserTest {

    private static List<ParseResult> parse(LogParser p, String text) {
        List<ParseResult> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            p.accept(line, out::add);
        }
        p.finish(out::add);
        return out;
    }

    private static MySqlSlowLogParser parser() {
        return new MySqlSlowLogParser("test", ParserOptions.defaults());
    }

    private static List<DbAccessEvent> events(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Event)
                .map(r -> (DbAccessEvent) ((ParseResult.Event) r).record())
                .toList();
    }

    private static final String TWO_ENTRIES = """
            # Time: 071015 21:43:52
            # User@Host: app[app] @ web1 [10.0.0.7]
            # Query_time: 2  Lock_time: 0  Rows_sent: 1200  Rows_examined: 5000
            use coop;
            SELECT *
              FROM members
             WHERE email = 'ann@example.com';
            # User@Host: app[app] @ web1 [10.0.0.7]
            # Query_time: 1  Lock_time: 0  Rows_sent: 1  Rows_examined: 9000000
            SELECT COUNT(*) FROM members WHERE card = '4111111111111111';
            """;

    @Test
    void useDbPersistsAndTimeCarriesOverToTheNextEntry() {
        List<DbAccessEvent> ev = events(parse(parser(), TWO_ENTRIES));
        assertThat(ev).hasSize(2);
        assertThat(ev).allSatisfy(e -> {
            assertThat(e.getTables()).containsExactly("coop.members");
            assertThat(e.getDatabase()).isEqualTo("coop");
            assertThat(e.getEventTime()).isEqualTo(Instant.parse("2007-10-15T21:43:52Z"));
            assertThat(e.getClientIp()).isEqualTo("10.0.0.7");
            assertThat(e.getClientHost()).isEqualTo("web1");
        });
        assertThat(ev.get(0).getRowsReturned()).isEqualTo(1200);
        assertThat(ev.get(1).getRowsExamined()).isEqualTo(9_000_000);
        assertThat(ev.get(1).getRowsReturned()).isEqualTo(1);
    }

    @Test
    void literalsNeverReachAnyEventField() {
        for (DbAccessEvent e : events(parse(parser(), TWO_ENTRIES))) {
            String all = JsonRecords.toJson(e);
            assertThat(all)
                    .doesNotContain("ann@example.com")
                    .doesNotContain("4111111111111111")
                    .doesNotContain("4111");
        }
    }

    @Test
    void setTimestampGivesTheEventTime() {
        List<DbAccessEvent> ev = events(parse(parser(), """
                # Time: 2016-07-20T18:13:25.698433Z
                # User@Host: root[root] @ localhost [127.0.0.1]  Id:     3
                # Query_time: 0.003464  Lock_time: 0.000324 Rows_sent: 1000  Rows_examined: 2000
                SET timestamp=1469038405;
                SELECT * FROM db.t LIMIT 0, 1000;
                """));
        assertThat(ev.get(0).getEventTime()).isEqualTo(Instant.ofEpochSecond(1469038405));
        assertThat(ev.get(0).getSessionId()).isEqualTo("3");
    }

    @Test
    void emptyUserAndHostPartsAreAccepted() {
        List<DbAccessEvent> ev = events(parse(parser(), """
                # Time: 071218 11:48:27 # User@Host: [SQL_SLAVE] @  []
                # Query_time: 0.000012  Lock_time: 0.000000  Rows_sent: 0  Rows_examined: 0
                BEGIN;
                """));
        assertThat(ev.get(0).getAccount()).isEqualTo("SQL_SLAVE");
        assertThat(ev.get(0).getClientIp()).isNull();
        assertThat(ev.get(0).getClientHost()).isNull();
    }

    @Test
    void rejectsNonsenseNumbersWithReasonAndLine() {
        List<ParseResult> rs = parse(parser(), """
                # User@Host: a[a] @ h [1.2.3.4]
                # Query_time: 1  Lock_time: 0  Rows_sent: lots  Rows_examined: 0
                select 1;
                # User@Host: a[a] @ h [1.2.3.4]
                # Query_time: 1  Lock_time: 0  Rows_sent: 3  Rows_examined: 0
                select 2;
                """);
        assertThat(rs)
                .filteredOn(r -> r instanceof ParseResult.Reject)
                .singleElement()
                .isEqualTo(new ParseResult.Reject(
                        "test",
                        2,
                        "malformed Rows_sent",
                        "# Query_time: 1  Lock_time: 0  Rows_sent: lots  Rows_examined: 0"));
        assertThat(events(rs))
                .singleElement()
                .extracting(DbAccessEvent::getRowsReturned)
                .isEqualTo(3L);
    }

    @Test
    void rejectsTruncatedHeaderWithReason() {
        List<ParseResult> rs = parse(parser(), "# Time: 081114 13:04:02\n# User@Host: truncated");
        assertThat(rs)
                .singleElement()
                .isInstanceOfSatisfying(
                        ParseResult.Reject.class, r -> assertThat(r.reason()).contains("User@Host"));
    }

    @Test
    void statementBeyondTheLimitIsRejectedNotBuffered() {
        MySqlSlowLogParser p =
                new MySqlSlowLogParser("test", ParserOptions.defaults().withMaxEntryChars(1000));
        StringBuilder sb = new StringBuilder("# Query_time: 1  Lock_time: 0  Rows_sent: 1  Rows_examined: 1\nSELECT\n");
        for (int i = 0; i < 100; i++) {
            sb.append("'secret-").append(i).append("',\n");
        }
        sb.append("1;\n# Query_time: 1  Lock_time: 0  Rows_sent: 7  Rows_examined: 1\nselect 2;");
        List<ParseResult> rs = parse(p, sb.toString());
        assertThat(rs)
                .filteredOn(r -> r instanceof ParseResult.Reject)
                .singleElement()
                .isInstanceOfSatisfying(ParseResult.Reject.class, r -> {
                    assertThat(r.reason()).isEqualTo("entry exceeds 1000 characters");
                    assertThat(r.excerpt()).doesNotContain("secret");
                });
        assertThat(events(rs))
                .singleElement()
                .extracting(DbAccessEvent::getRowsReturned)
                .isEqualTo(7L);
    }

    @Test
    void parseRecordTakesOneAssembledEntryAndKeepsTheDatabase() {
        MySqlSlowLogParser p = parser();
        List<ParseResult> first = p.parseRecord(
                "# User@Host: u[u] @ h [10.1.1.1]\n# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5\nuse coop;\nselect * from members;\n");
        List<ParseResult> second = p.parseRecord(
                "# User@Host: u[u] @ h [10.1.1.1]\n# Query_time: 1  Lock_time: 0  Rows_sent: 6  Rows_examined: 6\nselect * from cards");
        assertThat(events(first))
                .singleElement()
                .extracting(DbAccessEvent::getTables)
                .isEqualTo(List.of("coop.members"));
        assertThat(events(second))
                .singleElement()
                .extracting(DbAccessEvent::getTables)
                .isEqualTo(List.of("coop.cards"));
    }

    @Test
    void serverBannersAreSkippedNotRejected() {
        List<ParseResult> rs = parse(parser(), """
                /usr/sbin/mysqld, Version: 5.7.12-log ((Ubuntu)). started with:
                Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock
                Time                 Id Command    Argument
                """);
        assertThat(rs).hasSize(3).allMatch(r -> r instanceof ParseResult.Skipped);
    }
}
