package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile inputs too big or too systematic for random generation (every truncation point, a 10 MB statement,
 * 100,000 tables), the edge values the issue names, and the shrunk counterexamples the properties found.
 */
class HostileInputExamplesTest {

    private static final int TEN_MB = 10 * 1024 * 1024;

    private static List<ParseResult> results(LogFormat format, ParserOptions options, String input) {
        List<ParseResult> rs = ParseHarness.parse(format, options, input, true);
        ParseHarness.checkAll(rs);
        return rs;
    }

    private static List<ParseResult> results(LogFormat format, String input) {
        return results(format, ParseHarness.OPTIONS, input);
    }

    private static List<String> rejectReasons(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Reject)
                .map(r -> ((ParseResult.Reject) r).reason())
                .toList();
    }

    private static List<SpecificRecord> events(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Event)
                .map(r -> ((ParseResult.Event) r).record())
                .toList();
    }

    private static String slowEntry(String header, String statement) {
        return "# Time: 2024-03-05T10:15:30Z\n# User@Host: app[app] @ web1 [10.0.0.7]  Id: 3\n" + header
                + "\nuse coop;\n" + statement + ";\n";
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyTruncationOfEverySampleEndsAsEventRejectOrSkip() {
        for (HostileInputs.Shape shape : HostileInputs.Shape.values()) {
            String sample = shape.sample();
            assertThat(events(results(shape.format, sample)))
                    .as("%s sample", shape)
                    .isNotEmpty();
            for (int cut = 0; cut <= sample.length(); cut++) {
                results(shape.format, sample.substring(0, cut));
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void tenMegabyteStatementIsParsedUnderTheDefaultBoundWithACappedFingerprint() {
        String statement = "SELECT * FROM members WHERE note = '" + "x".repeat(TEN_MB) + "' AND id IN (SELECT 1)";
        List<SpecificRecord> ev = events(results(
                LogFormat.MYSQL_SLOW,
                ParserOptions.defaults(),
                slowEntry("# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5", statement)));
        assertThat(ev).hasSize(1);
        DbAccessEvent e = (DbAccessEvent) ev.get(0);
        assertThat(e.getTables()).containsExactly("coop.members");
        assertThat(e.getStatementFingerprint()).doesNotContain("xxxx").hasSizeLessThan(200);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void longColumnListBeforeFromStillNamesTheTable() {
        // An ORM's 400-column select makes a fingerprint longer than its cap before FROM is reached.
        StringBuilder cols = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            cols.append(i == 0 ? "" : ", ")
                    .append("members.column_number_")
                    .append(i)
                    .append(" AS members_column_")
                    .append(i);
        }
        String statement = "SELECT " + cols + " FROM coop.members WHERE id > 10";
        assertThat(Fingerprint.of(statement)).endsWith("/*truncated*/");
        DbAccessEvent e = (DbAccessEvent) events(results(
                        LogFormat.MYSQL_SLOW,
                        ParserOptions.defaults(),
                        slowEntry("# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5", statement)))
                .get(0);
        assertThat(e.getTables()).containsExactly("coop.members");
        assertThat(new SqlTables().extract(statement, "coop").tables()).containsExactly("coop.members");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void tenMegabyteEntryIsRejectedUnderASmallBoundByEveryParser() {
        String huge = "y".repeat(TEN_MB);
        String[] inputs = {
            slowEntry("# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5", "SELECT '" + huge + "'"),
            "2024-03-05 10:15:30 UTC [1]: user=a,db=b LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,\"select '" + huge
                    + "'\",<none>",
            "{\"databaseActivityEventList\":[{\"commandText\":\"" + huge + "\"}]}",
            "{ \"class\": \"table_access\", \"table_access_data\": { \"query\": \"" + huge + "\" } }",
            "1709633730.1\tC\t10.0.0.7\t1\t203.0.113.5\t443\ttcp\t" + huge,
            "{\"ts\":1709633730.1,\"uid\":\"" + huge + "\"}",
            "2 1 eni-1 10.0.0.7 203.0.113.5 1 443 6 1 1 1 1 ACCEPT " + huge,
            "{\"event_time\":1,\"account\":\"" + huge + "\"}",
        };
        LogFormat[] formats = {
            LogFormat.MYSQL_SLOW,
            LogFormat.PGAUDIT,
            LogFormat.AURORA_DAS,
            LogFormat.MYSQL_AUDIT,
            LogFormat.ZEEK_CONN,
            LogFormat.ZEEK_CONN,
            LogFormat.VPC_FLOW,
            LogFormat.CANONICAL
        };
        for (int i = 0; i < inputs.length; i++) {
            for (boolean asRecord : new boolean[] {true, false}) {
                List<ParseResult> rs = ParseHarness.parse(formats[i], ParseHarness.OPTIONS, inputs[i], asRecord);
                ParseHarness.checkAll(rs);
                assertThat(events(rs))
                        .as("%s (record: %s)", formats[i], asRecord)
                        .isEmpty();
                assertThat(rejectReasons(rs))
                        .as("%s (record: %s)", formats[i], asRecord)
                        .anyMatch(r -> r.startsWith("entry exceeds " + ParseHarness.MAX_ENTRY));
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void multiLineEntryGrowingPastTheBoundIsRejectedWithoutBufferingIt() {
        // 1,000 lines of 1 KiB: each line is short, the entry is not; the harness checks what the parser holds.
        String body = ("AND note <> '" + "z".repeat(1000) + "'\n").repeat(1000);
        List<ParseResult> rs = ParseHarness.parse(
                LogFormat.MYSQL_SLOW,
                ParseHarness.OPTIONS,
                slowEntry(
                        "# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5",
                        "SELECT * FROM t WHERE 1=1\n" + body),
                false);
        assertThat(rejectReasons(rs)).anyMatch(r -> r.startsWith("entry exceeds"));
        String json = "{\n" + ("\"k\": \"" + "z".repeat(1000) + "\",\n").repeat(1000) + "\"end\": 1}\n";
        for (LogFormat f : List.of(LogFormat.AURORA_DAS, LogFormat.MYSQL_AUDIT)) {
            assertThat(rejectReasons(ParseHarness.parse(f, ParseHarness.OPTIONS, json, false)))
                    .as("%s", f)
                    .anyMatch(r -> r.startsWith("entry exceeds"));
        }
        String csv = "2024-03-05 10:15:30 UTC [1]: LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,\"select\n"
                + ("z".repeat(1000) + "\n").repeat(1000);
        assertThat(rejectReasons(ParseHarness.parse(LogFormat.PGAUDIT, ParseHarness.OPTIONS, csv, false)))
                .anyMatch(r -> r.startsWith("entry exceeds"));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void hundredThousandTablesAreBoundedByTheFingerprintCap() {
        StringBuilder sb = new StringBuilder("SELECT * FROM t1");
        for (int i = 2; i <= 100_000; i++) {
            sb.append(", t").append(i);
        }
        String statement = sb.toString();
        List<SpecificRecord> ev = events(results(
                LogFormat.MYSQL_SLOW,
                ParserOptions.defaults(),
                slowEntry("# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5", statement)));
        assertThat(ev).hasSize(1);
        DbAccessEvent e = (DbAccessEvent) ev.get(0);
        assertThat(e.getTables()).isNotEmpty().contains("coop.t1").hasSizeLessThanOrEqualTo(SqlTables.MAX_TABLES);
        assertThat(e.getStatementFingerprint().length()).isLessThanOrEqualTo(Fingerprint.MAX_LENGTH + 14);
        assertThat(rejectReasons(results(
                        LogFormat.MYSQL_SLOW,
                        slowEntry("# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5", statement))))
                .anyMatch(r -> r.startsWith("entry exceeds"));
    }

    @Test
    void negativeAndOverflowingCountersAreRejectedWithTheirName() {
        for (String bad : List.of("-5", "99999999999999999999999", "1e3", "")) {
            List<ParseResult> rs = results(
                    LogFormat.MYSQL_SLOW,
                    slowEntry("# Query_time: 1  Lock_time: 0  Rows_sent: " + bad + "  Rows_examined: 5", "SELECT 1"));
            assertThat(rejectReasons(rs)).as(bad).containsExactly("malformed Rows_sent");
        }
        assertThat(rejectReasons(results(
                        LogFormat.PGAUDIT,
                        "2024-03-05 10:15:30 UTC [1]: LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<none>,-5")))
                .containsExactly("malformed ROWS field");
        assertThat(
                        rejectReasons(
                                results(
                                        LogFormat.AURORA_DAS,
                                        "{\"databaseActivityEventList\":[{\"logTime\":\"2024-03-05 10:15:30+00\",\"rowCount\":99999999999999999999999}]}")))
                .containsExactly("malformed rowCount");
        assertThat(rejectReasons(
                        results(LogFormat.CANONICAL, "{\"event_time\":1,\"account\":\"a\",\"rows_returned\":-5}")))
                .containsExactly("malformed rows_returned");
        assertThat(rejectReasons(results(
                        LogFormat.VPC_FLOW,
                        "2 1 eni-1 10.0.0.7 203.0.113.5 1 443 6 1 -5 1709633730 1709633790 ACCEPT OK")))
                .containsExactly("negative bytes");
    }

    @Test
    void timestampsAtTheEdgesAreRejectedOrKeptExactly() {
        String header = "# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5";
        for (String ts : List.of("99999999999999999999", "31556889864403200", "9223372036854775807")) {
            List<ParseResult> rs =
                    results(LogFormat.MYSQL_SLOW, slowEntry(header, "SET timestamp=" + ts + ";\nSELECT 1"));
            assertThat(events(rs)).as(ts).isEmpty();
            assertThat(rejectReasons(rs)).as(ts).hasSize(1);
        }
        // Representable but absurd: every format rejects a time outside the years 2000-2100 (EventTimes).
        assertThat(rejectReasons(
                        results(LogFormat.MYSQL_SLOW, slowEntry(header, "SET timestamp=253402300799;\nSELECT 1"))))
                .containsExactly(EventTimes.OUTSIDE_YEARS);
        for (String iso :
                List.of("0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+1000000000-12-31T23:59:59Z")) {
            List<ParseResult> rs = results(LogFormat.CANONICAL, "{\"event_time\":\"" + iso + "\",\"account\":\"a\"}");
            assertThat(rs).as(iso).hasSize(1);
            assertThat(events(rs)).as(iso).isEmpty();
        }
        assertThat(rejectReasons(results(
                        LogFormat.CANONICAL, "{\"event_time\":\"+1000000000-12-31T23:59:59Z\",\"account\":\"a\"}")))
                .containsExactly("event_time out of range");
        assertThat(rejectReasons(
                        results(LogFormat.CANONICAL, "{\"event_time\":-9223372036854775808,\"account\":\"a\"}")))
                .containsExactly(EventTimes.OUTSIDE_YEARS);
        assertThat(rejectReasons(results(
                        LogFormat.ZEEK_CONN, "{\"ts\":9223372036854775807.5,\"id.orig_h\":\"a\",\"id.resp_h\":\"b\"}")))
                .containsExactly("malformed ts");
        assertThat(rejectReasons(results(
                        LogFormat.VPC_FLOW,
                        "2 1 eni-1 10.0.0.7 203.0.113.5 1 443 6 1 5 9223372036854775807 1 ACCEPT OK")))
                .containsExactly("start event time out of range");
    }

    @Test
    void eventsBefore2000OrFrom2100AreRejectedByEveryFormat() {
        String header = "# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5";
        // A host whose clock reset (1969, 1999) or ran away (2100): Kafka would refuse the negative timestamps.
        for (String ts : List.of("946684799", "4102444800")) {
            assertThat(rejectReasons(
                            results(LogFormat.MYSQL_SLOW, slowEntry(header, "SET timestamp=" + ts + ";\nSELECT 1"))))
                    .as(ts)
                    .containsExactly(EventTimes.OUTSIDE_YEARS);
        }
        assertThat(events(results(LogFormat.MYSQL_SLOW, slowEntry(header, "SET timestamp=946684800;\nSELECT 1"))))
                .hasSize(1);
        assertThat(rejectReasons(results(
                        LogFormat.ZEEK_CONN,
                        "{\"ts\":-1,\"id.orig_h\":\"10.0.0.7\",\"id.resp_h\":\"203.0.113.5\",\"id.resp_p\":443}")))
                .containsExactly(EventTimes.OUTSIDE_YEARS);
        assertThat(rejectReasons(
                        results(LogFormat.VPC_FLOW, "2 1 eni-1 10.0.0.7 203.0.113.5 1 443 6 1 5 -1 1 ACCEPT OK")))
                .containsExactly(EventTimes.OUTSIDE_YEARS);
        assertThat(
                        rejectReasons(
                                results(
                                        LogFormat.PGAUDIT,
                                        "1969-12-31 23:59:59 UTC [8077]: [1-1] user=admin,db=coop LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<not logged>")))
                .containsExactly(EventTimes.OUTSIDE_YEARS);
    }

    // Shrunk counterexamples found by the properties.

    @Test
    void vpcFlowPortAbove65535IsRejected() {
        assertThat(rejectReasons(results(
                        LogFormat.VPC_FLOW,
                        "2 123456789010 eni-1235b8ca123456789 10.0.0.7 203.0.113.5 0 65536 6 0 0 0 0 ACCEPT OK")))
                .containsExactly("dstport out of range");
    }

    @Test
    void zeekPortAbove65535IsRejected() {
        assertThat(rejectReasons(results(
                        LogFormat.ZEEK_CONN,
                        "{\"ts\":1,\"id.orig_h\":\"10.0.0.7\",\"id.resp_h\":\"203.0.113.5\",\"id.resp_p\":65536}")))
                .containsExactly("id.resp_p out of range");
    }

    @Test
    void zeekMalformedSeparatorHeaderIsRejected() {
        assertThat(rejectReasons(results(LogFormat.ZEEK_CONN, "#separator \\x\ufffd9")))
                .containsExactly("malformed #separator header");
        assertThat(rejectReasons(results(LogFormat.ZEEK_CONN, "#separator ")))
                .containsExactly("malformed #separator header");
    }

    @Test
    void pgauditImpossiblePrefixDateIsRejected() {
        assertThat(
                        rejectReasons(
                                results(
                                        LogFormat.PGAUDIT,
                                        "2020-13-01 24:00:00 UTC [8077]: [1-1] user=admin,db=coop LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<not logged>")))
                .containsExactly("malformed timestamp in log line prefix");
    }

    @Test
    void slowLogSetTimestampBeyondInstantRangeIsRejectedNotCrashed() {
        assertThat(rejectReasons(results(
                        LogFormat.MYSQL_SLOW,
                        slowEntry(
                                "# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5",
                                "SET timestamp=999999999999999999;\nSELECT 1"))))
                .containsExactly("SET timestamp event time out of range");
    }

    @Test
    void jsonDocumentAfterAnOverLongLineIsStillRead() {
        String good = "{ \"timestamp\": \"2024-03-05 10:15:30\", \"class\": \"table_access\", \"event\": \"read\","
                + " \"table_access_data\": { \"db\": \"coop\", \"table\": \"members\" } }";
        String input = "{ \"x\": [\"" + "w".repeat(ParseHarness.MAX_ENTRY * 2) + "\"] }\n" + good + "\n";
        List<ParseResult> rs = ParseHarness.parse(LogFormat.MYSQL_AUDIT, ParseHarness.OPTIONS, input, false);
        ParseHarness.checkAll(rs);
        assertThat(rejectReasons(rs)).containsExactly("entry exceeds " + ParseHarness.MAX_ENTRY + " characters");
        assertThat(events(rs)).hasSize(1);
    }

    @Test
    void blankSlowLogUserBecomesTheUnknownAccount() {
        List<SpecificRecord> ev = events(
                results(
                        LogFormat.MYSQL_SLOW,
                        "# User@Host:   @ web1 [10.0.0.7]\n# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5\nSELECT 1;\n"));
        assertThat(((DbAccessEvent) ev.get(0)).getAccount()).isEqualTo(DbEventFactory.UNKNOWN_ACCOUNT);
    }

    @Test
    void egressEventsFromEdgeInputsStillEncode() {
        List<SpecificRecord> ev = events(
                results(
                        LogFormat.ZEEK_CONN,
                        "{\"ts\":1709633730.5,\"id.orig_h\":\"10.0.0.7\",\"id.resp_h\":\"203.0.113.5\",\"orig_bytes\":9223372036854775807}"));
        assertThat(((EgressEvent) ev.get(0)).getBytesOut()).isEqualTo(Long.MAX_VALUE);
    }
}
