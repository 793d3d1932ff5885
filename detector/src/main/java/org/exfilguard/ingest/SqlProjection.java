package org.exfilguard.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;

/**
 * Which columns of each table a statement's result can hold, read from its {@link Fingerprint} (literals are gone,
 * column names stay). Only what can be shown with confidence narrows a table's columns: a {@code SELECT} (or a
 * {@code UNION} of them) whose every table is named directly in its FROM or JOINs, with no subquery anywhere. The
 * select list is then read identifier by identifier, inside functions and expressions too: a name qualified by a
 * table's name or alias is that table's column, an unqualified name or one with an unknown qualifier may be any
 * table's, and a table's bare name or alias used as a value (Postgres {@code row_to_json(m)}) is all of it, as are
 * {@code *} and {@code m.*}. Anything else (a subquery, a CTE, a placeholder in the select list, which is where a
 * double-quoted name masked by the fingerprint shows, a capped fingerprint, a statement JSqlParser cannot parse)
 * leaves every table at "any column". Results are cached by fingerprint and database. Not thread-safe: one instance
 * per task.
 */
public final class SqlProjection {

    /**
     * The columns a statement can return, per table ({@code db.table}, lower case, as {@link SqlTables} names them).
     * A table missing from {@code byTable}, or mapped to null, can return any of its columns.
     */
    public record Columns(Map<String, Set<String>> byTable) {

        /** Nothing known: every table can return any column. */
        public static final Columns ANY = new Columns(Map.of());

        /** The names that may be columns of {@code table} in the result; null when it may be any of them. */
        public Set<String> of(String table) {
            return byTable.get(table);
        }
    }

    private static final int MAX_CACHED = 2_000;
    private static final int PARSE_TIMEOUT_MS = 1_000;
    /** A dotted name: unquoted or backticked parts. Literals are '?' in a fingerprint, so no quoted text is left. */
    private static final Pattern NAME = Pattern.compile(
            "(?:`[^`]*`|[a-z_$\\u0080-\\uffff][a-z0-9_$\\u0080-\\uffff]*)(?:\\.(?:`[^`]*`|[a-z_$\\u0080-\\uffff][a-z0-9_$\\u0080-\\uffff]*))*");

    private static final Pattern SELECT_WORD = Pattern.compile("(?<![a-z0-9_$`.])select(?![a-z0-9_$`])");

    private final Map<String, Columns> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Columns> eldest) {
            return size() > MAX_CACHED;
        }
    };

    /** The columns per table of the statement with fingerprint {@code fp}, run in {@code currentDb} (or null). */
    public Columns of(String fp, String currentDb) {
        if (fp == null || fp.isEmpty()) {
            return Columns.ANY;
        }
        String db = currentDb == null || currentDb.isEmpty() ? null : currentDb.toLowerCase(Locale.ROOT);
        String key = (db == null ? "" : db) + '\u0000' + fp;
        Columns hit = cache.get(key);
        if (hit == null) {
            hit = classify(fp, db);
            cache.put(key, hit);
        }
        return hit;
    }

    /** Uncached: see {@link #of}. */
    static Columns classify(String fp, String db) {
        if (fp.endsWith(Fingerprint.TRUNCATED)
                || SqlTables.nestingDepth(fp, SqlTables.MAX_PARSE_DEPTH) > SqlTables.MAX_PARSE_DEPTH) {
            return Columns.ANY;
        }
        try {
            // The fingerprint's collapsed lists are no SQL: one placeholder parses the same.
            Statement st = CCJSqlParserUtil.parse(
                    fp.replace("(?+)", "(?)"), SqlTables.PARSER_THREADS, p -> p.withTimeOut(PARSE_TIMEOUT_MS));
            if (!(st instanceof Select select)) {
                return Columns.ANY;
            }
            List<PlainSelect> branches = branches(select);
            // Every SELECT of the text must be one of the branches read here: a subquery anywhere (select list,
            // FROM, WHERE) could carry a table's columns out in a way this reading does not follow.
            if (branches == null || selectWords(fp.toLowerCase(Locale.ROOT)) != branches.size()) {
                return Columns.ANY;
            }
            Map<String, Set<String>> byTable = new HashMap<>();
            Set<String> whole = new HashSet<>();
            for (PlainSelect branch : branches) {
                if (!read(branch, db, byTable, whole)) {
                    return Columns.ANY;
                }
            }
            for (String table : whole) {
                byTable.put(table, null);
            }
            Map<String, Set<String>> frozen = new HashMap<>();
            byTable.forEach((t, cols) -> frozen.put(t, cols == null ? null : Set.copyOf(cols)));
            return new Columns(java.util.Collections.unmodifiableMap(frozen));
        } catch (Exception | StackOverflowError e) {
            return Columns.ANY;
        }
    }

    /** The plain SELECTs whose rows make the result; null when there is a CTE or a branch of another kind. */
    private static List<PlainSelect> branches(Select select) {
        if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
            return null;
        }
        if (select instanceof ParenthesedSelect p) {
            return p.getSelect() == null ? null : branches(p.getSelect());
        }
        if (select instanceof PlainSelect plain) {
            return List.of(plain);
        }
        if (select instanceof SetOperationList set) {
            List<PlainSelect> out = new ArrayList<>();
            for (Select s : set.getSelects()) {
                List<PlainSelect> inner = branches(s);
                if (inner == null) {
                    return null;
                }
                out.addAll(inner);
            }
            return out;
        }
        return null;
    }

    private static int selectWords(String fp) {
        Matcher m = SELECT_WORD.matcher(fp);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /**
     * Adds one branch's columns per table to {@code byTable}, and to {@code whole} the tables it may return whole.
     * False when the branch reads from something that is not a named table.
     */
    private static boolean read(PlainSelect branch, String db, Map<String, Set<String>> byTable, Set<String> whole) {
        List<FromItem> from = new ArrayList<>();
        if (branch.getFromItem() != null) {
            from.add(branch.getFromItem());
        }
        if (branch.getJoins() != null) {
            for (Join join : branch.getJoins()) {
                from.add(join.getFromItem());
            }
        }
        // Qualifier -> the tables it may name: the alias, the name as written, its bare name.
        Map<String, Set<String>> names = new HashMap<>();
        List<String> tables = new ArrayList<>();
        for (FromItem item : from) {
            if (!(item instanceof Table table) || table.getName() == null) {
                return false;
            }
            String qualified = SqlTables.normalise(table.getFullyQualifiedName(), db);
            tables.add(qualified);
            byTable.computeIfAbsent(qualified, t -> new HashSet<>());
            String written = SqlTables.normalise(table.getFullyQualifiedName(), null);
            names.computeIfAbsent(written, n -> new HashSet<>()).add(qualified);
            names.computeIfAbsent(written.substring(written.lastIndexOf('.') + 1), n -> new HashSet<>())
                    .add(qualified);
            if (table.getAlias() != null && table.getAlias().getName() != null) {
                names.computeIfAbsent(SqlTables.normalise(table.getAlias().getName(), null), n -> new HashSet<>())
                        .add(qualified);
            }
        }
        for (SelectItem<?> item : branch.getSelectItems()) {
            Expression e = item.getExpression();
            if (e instanceof AllTableColumns all) {
                Set<String> named = names.get(SqlTables.normalise(all.getTable().getFullyQualifiedName(), null));
                whole.addAll(named == null ? tables : named);
            } else if (e instanceof AllColumns) {
                whole.addAll(tables);
            } else {
                String text = e == null ? "?" : e.toString().toLowerCase(Locale.ROOT);
                if (text.indexOf('?') >= 0) {
                    // A placeholder where a value is returned: a literal, or a double-quoted name the fingerprint
                    // masked.
                    whole.addAll(tables);
                    continue;
                }
                Matcher m = NAME.matcher(text);
                while (m.find()) {
                    name(m.group(), names, tables, byTable, whole);
                }
            }
        }
        return true;
    }

    /** Attributes one dotted name of the select list to the tables it may be a column of. */
    private static void name(
            String dotted,
            Map<String, Set<String>> names,
            List<String> tables,
            Map<String, Set<String>> byTable,
            Set<String> whole) {
        String plain = SqlTables.normalise(dotted, null);
        int dot = plain.lastIndexOf('.');
        if (dot < 0) {
            Set<String> asTable = names.get(plain);
            if (asTable != null) {
                // A table or alias used as a value is the whole row (row_to_json(m), to_jsonb(m)).
                whole.addAll(asTable);
            }
            for (String t : tables) {
                byTable.get(t).add(plain);
            }
            return;
        }
        String column = plain.substring(dot + 1);
        String qualifier = plain.substring(0, dot);
        Set<String> named = names.get(qualifier);
        if (named == null) {
            named = names.get(qualifier.substring(qualifier.lastIndexOf('.') + 1));
        }
        for (String t : named == null ? tables : named) {
            byTable.get(t).add(column);
        }
        if (named == null && names.containsKey(column)) {
            whole.addAll(names.get(column));
        }
    }
}
