package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * The tables {@link SqlTables} names for a statement whose table references are written the hard way (spaces and
 * comments around the dot, backtick or double-quoted names, MySQL versioned comments) are the tables JSqlParser
 * names for the same statement written plainly.
 */
class TableAttributionPropertiesTest {

    /** A statement written the hard way, the same statement written plainly, and its dialect. */
    record Case(SqlDialect dialect, String sql, String plain) {}

    /** A {@code db.table} reference: how it is written and how it reads plainly. */
    record Ref(String written, String plain) {}

    private final SqlTables tables = new SqlTables();

    private static Arbitrary<String> names(String prefix) {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .ofMinLength(1)
                .ofMaxLength(8)
                .map(s -> prefix + s);
    }

    private static Arbitrary<Ref> refs(SqlDialect dialect) {
        Arbitrary<String> around = Arbitraries.of("", " ", "\n\t", "/* c */", " /* c */ ", "\u0000");
        String quote = dialect == SqlDialect.MYSQL ? "`" : "\"";
        return Combinators.combine(names("d_"), names("t_"), around, around, Arbitraries.of(true, false))
                .as((db, t, before, after, quoted) -> {
                    String q = quoted ? quote : "";
                    // A NUL only inside a name: between name and dot it is no whitespace in either server.
                    String b = before.equals("\u0000") ? "" : before;
                    String a = after.equals("\u0000") ? "" : after;
                    String table = before.equals("\u0000") && !quoted ? t.charAt(0) + "\u0000" + t.substring(1) : t;
                    return new Ref(q + db + q + b + "." + a + q + table + q, db + "." + t);
                });
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.of(SqlDialect.MYSQL, SqlDialect.POSTGRES)
                .flatMap(d -> Combinators.combine(
                                refs(d), refs(d), Arbitraries.integers().between(0, 3), Arbitraries.of(true, false))
                        .as((r1, r2, shape, versioned) -> {
                            boolean v = versioned && d == SqlDialect.MYSQL;
                            String w1 = v ? "/*!50000 " + r1.written() + " */" : r1.written();
                            String[] pair = switch (shape) {
                                case 0 ->
                                    new String[] {"SELECT * FROM %s WHERE id = 5", "SELECT * FROM %s WHERE id = 5"};
                                case 1 -> new String[] {"SELECT a.x FROM %s a JOIN %s b ON b.id = a.id", null};
                                case 2 ->
                                    new String[] {"SELECT * FROM %s WHERE id IN (SELECT mid FROM %s WHERE n > 2)", null
                                    };
                                default -> new String[] {"INSERT INTO d_out.t_copy SELECT * FROM %s, %s", null};
                            };
                            String sql = String.format(pair[0], w1, r2.written());
                            String plain = String.format(pair[0], r1.plain(), r2.plain());
                            return new Case(d, sql, plain);
                        }));
    }

    @Property(tries = 1_000)
    void tablesAreJSqlParsersTablesOfThePlainStatement(@ForAll("cases") Case c) throws Exception {
        Set<String> expected = new LinkedHashSet<>();
        for (String t : new TablesNamesFinder<Void>().getTables(CCJSqlParserUtil.parse(c.plain()))) {
            expected.add(t.toLowerCase(Locale.ROOT));
        }
        expected.remove("d_out.t_copy");
        SqlTables.Extraction x = tables.extract(c.sql(), "other", c.dialect());
        assertThat(new LinkedHashSet<>(x.tables()))
                .as("%s: %s", c.dialect(), c.sql())
                .isEqualTo(expected);
        assertThat(x.undetermined()).isFalse();
    }
}
