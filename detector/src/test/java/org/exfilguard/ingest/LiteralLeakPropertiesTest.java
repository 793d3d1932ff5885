package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.avro.JsonRecords;

/**
 * No literal of a logged statement leaves the parser: statements with random string, number, hex, bit and
 * dollar-quoted literals go through every database log format, and no literal appears in any event field or reject
 * excerpt. The same statements, mutated, never break {@link Fingerprint} or {@link SqlTables}.
 */
class LiteralLeakPropertiesTest {

    /**
     * A statement and the distinctive text of each literal in it (lower case: fingerprints are lower case);
     * {@code mysqlOnly} when a literal is written in a way only MySQL reads as one literal.
     */
    record Statement(String sql, List<String> secrets, boolean mysqlOnly) {
        Statement(String sql, List<String> secrets) {
            this(sql, secrets, false);
        }
    }

    private static final List<String> TEMPLATES = List.of(
            "SELECT a, b FROM coop.members WHERE email = L1 AND id = L2",
            "SELECT * FROM members m JOIN orders o ON o.mid = m.id WHERE o.note LIKE L1 AND o.total > L2 LIMIT 10",
            "INSERT INTO audit_copy (a, b) VALUES (L1, L2), (L2, L1)",
            "UPDATE members SET note = L1 WHERE id IN (L2, L1)",
            "SELECT * FROM members WHERE id IN (SELECT mid FROM orders WHERE x = L1) AND y = L2",
            "COPY (SELECT * FROM members WHERE note = L1) TO STDOUT",
            "CALL refresh(L1, L2)",
            "SELECT L1 AS c, L2 /* hint */ FROM dual -- trailing comment",
            "select count(*) from coop.members where card = L1 or card = L2;");

    /**
     * Literal syntaxes of MySQL and postgres; {@code %s} is the secret. {@value #MYSQL_ESCAPED_QUOTE} is MySQL's alone:
     * under postgres's standard strings the backslash is a character and the quote after it ends the literal.
     */
    private static final String MYSQL_ESCAPED_QUOTE = "'%s\\'s'";

    private static final List<String> STRING_FORMS = List.of(
            "'%s'",
            "'it''s %s'",
            MYSQL_ESCAPED_QUOTE,
            "\"%s\"",
            "N'%s'",
            "_utf8mb4'%s'",
            "'%s -- not a comment'",
            "'/* %s */'",
            "'%s\\\\'",
            "E'%s\\'x'",
            "$$%s$$",
            "$tag$%s$tag$",
            "'%s\n%s'",
            "'  %s  '",
            "'%s' '%s'");
    private static final List<String> NUMBER_FORMS = List.of("%s", "-%s", "%s.5e10", "0x%s", "X'%s'", "%s.%s");

    @Provide
    Arbitrary<Statement> statements() {
        Arbitrary<String> word = Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('0', '9')
                .ofLength(9)
                .map(s -> "q" + s);
        Arbitrary<String> digits =
                Arbitraries.longs().between(100_000_000L, 999_999_999L).map(String::valueOf);
        Arbitrary<String[]> stringLit = Combinators.combine(word, Arbitraries.of(STRING_FORMS))
                .as((w, f) -> new String[] {f.replace("%s", w), w, f.equals(MYSQL_ESCAPED_QUOTE) ? "mysql" : ""});
        Arbitrary<String[]> numberLit = Combinators.combine(digits, Arbitraries.of(NUMBER_FORMS))
                .as((d, f) -> new String[] {f.replace("%s", d), d, ""});
        Arbitrary<String[]> literal = Arbitraries.oneOf(stringLit, numberLit);
        return Combinators.combine(Arbitraries.of(TEMPLATES), literal, literal).as((t, l1, l2) -> {
            List<String> secrets = new ArrayList<>(List.of(l1[1], l2[1]));
            return new Statement(
                    t.replace("L1", l1[0]).replace("L2", l2[0]), secrets, !l1[2].isEmpty() || !l2[2].isEmpty());
        });
    }

    private final java.util.Map<LogFormat, LogParser> parsers = new java.util.EnumMap<>(LogFormat.class);

    @Property(tries = 10_000)
    void noLiteralReachesAnyEventOrReject(
            @ForAll("statements") Statement st, @ForAll("databaseFormats") LogFormat format)
            throws JsonProcessingException {
        // One parser per format across tries: the statement cache keeps JSqlParser to one parse per statement shape,
        // and the fingerprint, which is what could leak, is computed afresh for every entry.
        // pgaudit logs postgres statements: one written with MySQL's escapes is not one such statement.
        Assume.that(!(st.mysqlOnly() && format == LogFormat.PGAUDIT));
        LogParser parser = parsers.computeIfAbsent(format, f -> f.newParser("fuzz", ParseHarness.OPTIONS));
        List<ParseResult> results = ParseHarness.parse(parser, ParseHarness.OPTIONS, envelope(format, st.sql()), true);
        List<SpecificRecord> events = ParseHarness.checkAll(results);
        assertThat(events).as("%s makes an event of %s", format, st.sql()).isNotEmpty();
        for (ParseResult r : results) {
            String text = (r instanceof ParseResult.Event e ? JsonRecords.toJson(e.record()) : r.toString())
                    .toLowerCase(Locale.ROOT);
            for (String secret : st.secrets()) {
                assertThat(text).as("%s output for %s", format, st.sql()).doesNotContain(secret);
            }
        }
    }

    @Property(tries = 10_000)
    void fingerprintAndTablesNeverThrowNorLeak(
            @ForAll("mutatedStatements") Statement st, @ForAll @IntRange(max = 9) int fullParseDie) {
        String fp = Fingerprint.of(st.sql());
        assertThat(fp.length()).isLessThanOrEqualTo(Fingerprint.MAX_LENGTH + " /*truncated*/".length());
        assertThat(Fingerprint.of(st.sql())).as("deterministic").isEqualTo(fp);
        // JSqlParser takes milliseconds per statement: one try in ten goes through it, the rest take the token paths.
        SqlTables tables = fullParseDie == 0 ? new SqlTables() : new SqlTables(1, 16);
        SqlTables.Extraction x = tables.extract(st.sql(), fp, "coop");
        assertThat(x.operation()).isNotNull();
        String display = Fingerprint.maskForDisplay(st.sql(), ParseResult.MAX_EXCERPT);
        assertThat(display.length()).isLessThanOrEqualTo(ParseResult.MAX_EXCERPT);
        if (st.secrets().isEmpty()) {
            return;
        }
        for (String secret : st.secrets()) {
            assertThat(fp).doesNotContain(secret);
            assertThat(display).doesNotContain(secret);
            assertThat(x.tables()).noneMatch(t -> t.contains(secret));
        }
    }

    @Provide
    Arbitrary<Statement> mutatedStatements() {
        // A mutation can open or close a quote and expose a literal as a bare word; those drop their secrets.
        return Arbitraries.oneOf(
                statements(),
                HostileInputs.mutated(statements().map(Statement::sql)).map(s -> new Statement(s, List.of())));
    }

    @Provide
    Arbitrary<LogFormat> databaseFormats() {
        return Arbitraries.of(
                LogFormat.MYSQL_SLOW,
                LogFormat.PGAUDIT,
                LogFormat.AURORA_DAS,
                LogFormat.MYSQL_AUDIT,
                LogFormat.CANONICAL);
    }

    /** The statement as the format logs it. */
    static String envelope(LogFormat format, String sql) throws JsonProcessingException {
        String json = Json.MAPPER.writeValueAsString(sql);
        return switch (format) {
            case MYSQL_SLOW -> """
                    # Time: 2024-03-05T10:15:30.123456Z
                    # User@Host: app[app] @ web1 [10.0.0.7]  Id: 3
                    # Query_time: 2.000100  Lock_time: 0.000100 Rows_sent: 12  Rows_examined: 50
                    use coop;
                    """ + sql + ";\n";
            case PGAUDIT ->
                "2024-03-05 10:15:30 UTC [8077]: [1-1] user=app,db=coop,client=10.0.0.7 LOG:  AUDIT: "
                        + "SESSION,1,1,READ,SELECT,,,\"" + sql.replace("\"", "\"\"") + "\",<not logged>,12\n";
            case AURORA_DAS ->
                "{\"type\":\"DatabaseActivityMonitoringRecord\",\"databaseActivityEventList\":[{\"logTime\":"
                        + "\"2024-03-05 10:15:30.123456+00\",\"type\":\"record\",\"dbUserName\":\"app\",\"databaseName\":\"coop\","
                        + "\"remoteHost\":\"10.0.0.7\",\"commandText\":" + json + ",\"rowCount\":12}]}\n";
            case MYSQL_AUDIT ->
                "{ \"timestamp\": \"2024-03-05 10:15:30\", \"class\": \"table_access\", \"event\": \"read\","
                        + " \"connection_id\": 16, \"account\": { \"user\": \"app\", \"host\": \"web1\" }, \"table_access_data\":"
                        + " { \"db\": \"coop\", \"table\": \"members\", \"query\": " + json
                        + ", \"sql_command\": \"select\" } }\n";
            case CANONICAL ->
                "{\"event_time\":\"2024-03-05T10:15:30Z\",\"account\":\"app\",\"statement_fingerprint\":" + json
                        + "}\n";
            default -> throw new IllegalArgumentException(format.toString());
        };
    }
}
