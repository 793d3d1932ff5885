package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.Test;

class SourceAdviceTest {

    /** pgaudit lines as pgaudit.log_rows = off writes them: no ROWS field (the default prefix, %u@%d present). */
    private static String pgauditWithoutRows(int i) {
        return "2026-03-02 10:00:" + String.format("%02d", i % 60) + ".123 UTC [" + (5000 + i)
                + "] alice@coop LOG:  AUDIT: "
                + "SESSION," + (i + 1) + ",1,READ,SELECT,TABLE,coop.members,\"SELECT * FROM coop.members WHERE id > "
                + i
                + "\",<not logged>";
    }

    @Test
    void pgauditWithoutLogRowsIsToldToSetIt() {
        ParseStats stats = new ParseStats();
        LogParser parser = LogFormat.PGAUDIT.newParser("pg.log", ParserOptions.defaults());
        List<ParseResult> results = new ArrayList<>();
        for (int i = 0; i < SourceAdvice.SAMPLE + 10; i++) {
            results.addAll(parser.parseRecord(pgauditWithoutRows(i)));
        }
        results.forEach(stats::record);
        assertThat(stats.events()).isGreaterThanOrEqualTo(SourceAdvice.SAMPLE);
        assertThat(stats.advice())
                .singleElement()
                .asString()
                .startsWith("pgaudit: none of the first 200 reads carried a row count")
                .contains("pgaudit.log_rows = on");
        assertThat(stats.summary()).contains("warning: pgaudit: none of the first 200 reads");
    }

    @Test
    void readsWithRowCountsOrNamedAccountsGetNoAdvice() {
        SourceAdvice advice = new SourceAdvice();
        for (int i = 0; i < 500; i++) {
            assertThat(advice.observe(event("alice", i % 7 == 0 ? 5 : 0, "pgaudit")))
                    .isEmpty();
        }
        assertThat(advice.given()).isEmpty();
    }

    @Test
    void statementsWithoutAccountsAreToldWhichPrefixToUseOnce() {
        SourceAdvice advice = new SourceAdvice();
        List<String> said = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            advice.observe(event(DbEventFactory.UNKNOWN_ACCOUNT, 10, "pgaudit")).ifPresent(said::add);
        }
        assertThat(said).singleElement().asString().contains("%u@%d");
    }

    @Test
    void mysqlEnterpriseAuditIsToldItHasNoRowCounts() {
        SourceAdvice advice = new SourceAdvice();
        for (int i = 0; i < SourceAdvice.SAMPLE; i++) {
            advice.observe(event("bob", 0, "mysql-audit"));
        }
        assertThat(advice.given()).singleElement().asString().contains("ship the slow query log");
    }

    private static DbAccessEvent event(String account, long rows, String format) {
        return withFormat(
                org.exfilguard.testkit.TestEvents.dbRead()
                        .account(account)
                        .rows(rows)
                        .at(Instant.parse("2026-03-02T10:00:00Z"))
                        .build(),
                format);
    }

    private static DbAccessEvent withFormat(DbAccessEvent e, String format) {
        return DbAccessEvent.newBuilder(e).setSourceFormat(format).build();
    }
}
