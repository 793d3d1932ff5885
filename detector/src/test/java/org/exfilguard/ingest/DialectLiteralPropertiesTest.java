package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.exfilguard.avro.JsonRecords;

/**
 * Literal text made of the characters that end literals (quotes, backslashes, dollar signs, comment marks) around a
 * distinctive word, written as each dialect quotes it, never reaches the fingerprint of that dialect, nor the
 * fingerprint of unknown dialect, nor the event a parser of that dialect makes.
 */
class DialectLiteralPropertiesTest {

    /** A statement of one dialect and the distinctive word its literals hide. */
    record Case(SqlDialect dialect, String sql, String secret) {}

    /** A way a dialect writes a string literal of the given text. */
    record Quoting(SqlDialect dialect, String name, Function<String, String> quote) {}

    private static final List<Quoting> QUOTINGS = List.of(
            new Quoting(SqlDialect.POSTGRES, "standard", t -> "'" + t.replace("'", "''") + "'"),
            new Quoting(
                    SqlDialect.POSTGRES,
                    "E''",
                    t -> "E'" + t.replace("\\", "\\\\").replace("'", "\\'") + "'"),
            new Quoting(
                    SqlDialect.POSTGRES,
                    "E'' doubled",
                    t -> "e'" + t.replace("\\", "\\\\").replace("'", "''") + "'"),
            new Quoting(
                    SqlDialect.POSTGRES,
                    "U&''",
                    t -> "U&'" + t.replace("\\", "\\\\").replace("'", "''") + "'"),
            new Quoting(SqlDialect.POSTGRES, "$$", t -> dollarQuote("", t)),
            new Quoting(SqlDialect.POSTGRES, "$tag$", t -> dollarQuote("q", t)),
            new Quoting(
                    SqlDialect.MYSQL,
                    "'' with \\'",
                    t -> "'" + t.replace("\\", "\\\\").replace("'", "\\'") + "'"),
            new Quoting(
                    SqlDialect.MYSQL,
                    "'' doubled",
                    t -> "'" + t.replace("\\", "\\\\").replace("'", "''") + "'"),
            new Quoting(
                    SqlDialect.MYSQL,
                    "\"\" with \\\"",
                    t -> "\"" + t.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
            new Quoting(
                    SqlDialect.MYSQL,
                    "\"\" doubled",
                    t -> "\"" + t.replace("\\", "\\\\").replace("\"", "\"\"") + "\""),
            new Quoting(
                    SqlDialect.MYSQL,
                    "_charset''",
                    t -> "_utf8mb4'" + t.replace("\\", "\\\\").replace("'", "\\'") + "'"));

    private static final List<String> TEMPLATES = List.of(
            "SELECT * FROM coop.members WHERE note = {L} AND id = 5",
            "SELECT a, {L} AS b FROM coop.members m JOIN coop.cards c ON c.mid = m.id",
            "UPDATE coop.members SET note = {L} WHERE id IN (1, 2)",
            "INSERT INTO coop.notes (a, b) VALUES ({L}, 2), (3, {L})",
            "SELECT * FROM coop.members WHERE note LIKE {L} -- done",
            "SELECT f({L}) /* hint */ FROM coop.members",
            "SELECT * FROM coop.members WHERE a = {L} OR b = {L};");

    /** A dollar quote whose tag does not occur in the text. */
    private static String dollarQuote(String tag, String text) {
        String t = tag;
        while (text.contains("$" + t + "$")) {
            t = t + "x";
        }
        return "$" + t + "$" + text + "$" + t + "$";
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> secret =
                Arbitraries.strings().withCharRange('a', 'z').ofLength(8).map(w -> "zq" + w);
        Arbitrary<String> noise = Arbitraries.of(
                        "'", "''", "\"", "\\", "\\'", "\\\\", "$", "$$", "$q$", " ", "--", "/*", "*/", "#", "\n", "a",
                        "or 1=1", "`", "U&", "E'")
                .list()
                .ofMaxSize(6)
                .map(l -> String.join("", l));
        Arbitrary<String[]> text =
                Combinators.combine(noise, secret, noise).as((a, s, b) -> new String[] {a + s + b, s});
        Arbitrary<String> comment = Arbitraries.of("", "/* %s */ ", "-- %s\n", "/* a /* %s */ b */ ", "# %s\n");
        return Combinators.combine(Arbitraries.of(QUOTINGS), Arbitraries.of(TEMPLATES), text, comment)
                .as((q, tpl, t, c) -> {
                    String sql = tpl.replace("{L}", q.quote().apply(t[0]));
                    // A comment holding the word, where the dialect has that comment ('#' is MySQL's, nesting
                    // postgres's).
                    boolean fits = !c.startsWith("#") && !c.contains("/* a /*")
                            || c.startsWith("#") && q.dialect() == SqlDialect.MYSQL
                            || c.contains("/* a /*") && q.dialect() == SqlDialect.POSTGRES;
                    if (!c.isEmpty() && fits) {
                        sql = c.replace("%s", t[1] + " 'x") + sql;
                    }
                    if (q.dialect() == SqlDialect.MYSQL && t[1].charAt(2) < 'f') {
                        // Versioned comments are code: a literal inside is still a literal.
                        sql = sql.replace(
                                "FROM coop.members",
                                "FROM /*!50000 coop.members WHERE 1 = "
                                        + q.quote().apply(t[0]) + " */");
                    }
                    return new Case(q.dialect(), sql, t[1]);
                });
    }

    @Property(tries = 3_000)
    void fingerprintOfTheDialectNeverHoldsTheLiteral(@ForAll("cases") Case c) {
        String fp = Fingerprint.of(c.sql(), c.dialect());
        assertThat(fp).as("%s: %s", c.dialect(), c.sql()).doesNotContain(c.secret());
        assertThat(fp)
                .startsWith(
                        c.sql().startsWith("/*")
                                        || c.sql().startsWith("-")
                                        || c.sql().startsWith("#")
                                ? ""
                                : c.sql().substring(0, 6).toLowerCase(Locale.ROOT));
    }

    @Property(tries = 3_000)
    void fingerprintOfUnknownDialectNeverHoldsTheLiteral(@ForAll("cases") Case c) {
        assertThat(Fingerprint.of(c.sql(), SqlDialect.UNKNOWN)).as(c.sql()).doesNotContain(c.secret());
        assertThat(Fingerprint.maskForDisplay(c.sql(), ParseResult.MAX_EXCERPT))
                .as(c.sql())
                .doesNotContain(c.secret());
    }

    @Property(tries = 500)
    void eventsOfTheDialectsParsersNeverHoldTheLiteral(@ForAll("cases") Case c) throws Exception {
        LogFormat format = c.dialect() == SqlDialect.POSTGRES ? LogFormat.PGAUDIT : LogFormat.MYSQL_SLOW;
        List<ParseResult> results = ParseHarness.parse(
                format, ParseHarness.OPTIONS, LiteralLeakPropertiesTest.envelope(format, c.sql()), true);
        assertThat(ParseHarness.checkAll(results)).isNotEmpty();
        for (ParseResult r : results) {
            String text = r instanceof ParseResult.Event e ? JsonRecords.toJson(e.record()) : r.toString();
            assertThat(text.toLowerCase(Locale.ROOT)).as(c.sql()).doesNotContain(c.secret());
        }
    }
}
