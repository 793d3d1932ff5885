package org.exfilguard.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;
import org.exfilguard.schema.Operation;

/**
 * The tables a statement reads and what kind of statement it is. Simple {@code SELECT ... FROM a [JOIN b]}
 * statements take a token fast path; others go through JSqlParser; statements longer than the configured bound,
 * nested deeper than {@value #MAX_PARSE_DEPTH} parentheses, or that JSqlParser cannot parse, fall back to a token
 * scan (reported as {@link Method#TOKEN_SCAN}). Results are cached by fingerprint and current database, and
 * JSqlParser's failures by fingerprint, so one statement shape costs at most one failed parse. Not thread-safe: one
 * instance per parser.
 */
public final class SqlTables {

    /**
     * How the tables were found. {@code UNDETERMINED}: the statement may read tables that cannot be named from its
     * text (a procedure call, a prepared statement run by name, a read whose FROM names no table either path found).
     */
    public enum Method {
        NONE,
        FAST_PATH,
        PARSER,
        TOKEN_SCAN,
        UNDETERMINED
    }

    /** Operation and tables read, each a lower-case {@code db.table} (or bare table when no database is known). */
    public record Extraction(Operation operation, List<String> tables, Method method) {

        /** Whether the statement may have read tables not in {@link #tables}. */
        public boolean undetermined() {
            return method == Method.UNDETERMINED;
        }
    }

    /** Most tables one event names: a generated statement can list 100,000, and every one would go into the event. */
    public static final int MAX_TABLES = 1_000;

    /**
     * Deepest parenthesis nesting given to JSqlParser. Its cost grows steeply with nested expressions: 3 ms up to
     * depth 16, then 200 ms for a parse that fails at 18 and 2 s (the timeout) at 150, so a crafted statement is
     * refused by a linear scan before it gets there.
     */
    static final int MAX_PARSE_DEPTH = 16;
    /** A backstop for shapes the depth scan does not catch; a failure is then cached by fingerprint. */
    private static final int PARSE_TIMEOUT_MS = 1_000;

    private static final int MAX_CACHED_FAILURES = 1_000;
    static final ExecutorService PARSER_THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "exfilguard-sql-parser");
        t.setDaemon(true);
        return t;
    });
    private static final Pattern IDENTIFIER =
            Pattern.compile("[a-z0-9_$`\\[\\]\\u0080-\\uffff]+(?:\\.[a-z0-9_$`\\[\\]\\u0080-\\uffff]+){0,2}");
    private static final Pattern FROM_CLAUSE_END =
            Pattern.compile(" (?:where|group by|order by|limit|having|for update|lock in|procedure|window|into) ");
    private static final Pattern COPY_TABLE_TO = Pattern.compile("^copy ([^ (]+)(?: ?\\([^)]*\\))? to\\b");
    private static final Set<String> JOIN_NOISE =
            Set.of("inner", "left", "right", "outer", "cross", "natural", "full", "as", "straight_join", "join");

    /** Statements that run other statements, whose tables their text does not show. */
    private static final Set<String> INDIRECT_WORDS = Set.of("call", "exec", "execute", "do", "prepare");

    private static final Pattern HANDLER_READ = Pattern.compile("^handler ([^ ]+) read\\b");
    private static final Pattern VERSIONED_COMMENT = Pattern.compile("/\\*!\\d{0,6}|\\*/");

    private static final Set<String> FROM_LIST_END = Set.of(
            "where",
            "group",
            "order",
            "limit",
            "having",
            "join",
            "on",
            "using",
            "union",
            "inner",
            "left",
            "right",
            "cross",
            "natural",
            "full",
            "straight_join",
            "window",
            "for",
            "into");

    private static final Set<String> INSERT_WORDS =
            Set.of("insert", "replace", "ignore", "low_priority", "delayed", "high_priority");

    private final int maxFullParseChars;
    private final Map<String, Extraction> cache;
    /** Fingerprints JSqlParser failed on: another statement of the same shape fails the same way. */
    private final Map<String, Boolean> parseFailures;

    private long parserCalls;

    public SqlTables(int maxFullParseChars, int cacheSize) {
        this.maxFullParseChars = maxFullParseChars;
        this.cache = lru(cacheSize);
        this.parseFailures = lru(MAX_CACHED_FAILURES);
    }

    private static <V> Map<String, V> lru(int maxSize) {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > maxSize;
            }
        };
    }

    /** How many statements were given to JSqlParser: its cost is what the bounds here keep down. */
    public long parserCalls() {
        return parserCalls;
    }

    public SqlTables() {
        this(ParserOptions.DEFAULT_MAX_FULL_PARSE_CHARS, 10_000);
    }

    /** Same as {@link #extract(String, String, String, SqlDialect)} computing the fingerprint itself. */
    public Extraction extract(String sql, String currentDb, SqlDialect dialect) {
        return extract(sql, Fingerprint.of(sql, dialect), currentDb, dialect);
    }

    /** A statement of unknown dialect. */
    public Extraction extract(String sql, String currentDb) {
        return extract(sql, currentDb, SqlDialect.UNKNOWN);
    }

    /** A statement of unknown dialect whose fingerprint is known. */
    public Extraction extract(String sql, String fingerprint, String currentDb) {
        return extract(sql, fingerprint, currentDb, SqlDialect.UNKNOWN);
    }

    /**
     * @param sql         the statement as logged
     * @param fingerprint its {@link Fingerprint} in {@code dialect}
     * @param currentDb   the session's current database (qualifies unqualified names), or null
     * @param dialect     the dialect the statement is written in
     */
    public Extraction extract(String sql, String fingerprint, String currentDb, SqlDialect dialect) {
        try {
            // Double-quoted identifiers (postgres) are masked in the fingerprint, so such statements are not cached.
            boolean cacheable = sql.indexOf('"') < 0 && fingerprint.length() < Fingerprint.MAX_LENGTH;
            String key = cacheable
                    ? dialect.ordinal() + (currentDb == null ? "" : currentDb) + '\u0000' + fingerprint
                    : null;
            Extraction hit = key == null ? null : cache.get(key);
            if (hit != null) {
                return hit;
            }
            // A capped fingerprint can end before FROM (an ORM's 400-column select): find tables in the whole one.
            String whole =
                    fingerprint.endsWith(Fingerprint.TRUNCATED) ? Fingerprint.uncapped(sql, dialect) : fingerprint;
            Extraction result =
                    compute(sql, whole, currentDb == null ? null : currentDb.toLowerCase(Locale.ROOT), dialect);
            if (result.tables().size() > MAX_TABLES) {
                result = new Extraction(
                        result.operation(), List.copyOf(result.tables().subList(0, MAX_TABLES)), result.method());
            }
            if (key != null) {
                cache.put(key, result);
            }
            return result;
        } catch (RuntimeException | StackOverflowError e) {
            return new Extraction(Operation.OTHER, List.of(), Method.NONE);
        }
    }

    /** The operation of a statement from its fingerprint (and raw text, for mysqldump's signature comment). */
    public static Operation classify(String sql, String fp) {
        String first = firstWord(fp);
        switch (first) {
            case "select", "(":
                if (fp.contains(" into outfile ")
                        || fp.contains(" into dumpfile ")
                        || sql.contains("/*!40001 SQL_NO_CACHE */")) {
                    return Operation.EXPORT;
                }
                return Operation.SELECT;
            case "table":
                return Operation.SELECT;
            case "handler":
                // MySQL's HANDLER t READ reads rows past the optimizer; OPEN and CLOSE read none.
                return HANDLER_READ.matcher(fp).find() ? Operation.SELECT : Operation.OTHER;
            case "with":
                return fp.contains(" insert into ") || fp.contains(" update ") || fp.contains(" delete from ")
                        ? Operation.DML
                        : Operation.SELECT;
            case "copy":
                return fp.startsWith("copy (") || COPY_TABLE_TO.matcher(fp).find() ? Operation.COPY_OUT : Operation.DML;
            case "insert", "update", "delete", "replace", "merge", "load", "upsert":
                return Operation.DML;
            case "create", "alter", "drop", "truncate", "rename", "comment":
                return Operation.DDL;
            default:
                return Operation.OTHER;
        }
    }

    private Extraction compute(String sql, String fp, String db, SqlDialect dialect) {
        Operation op = classify(sql, fp);
        if (INDIRECT_WORDS.contains(firstWord(fp))) {
            return new Extraction(op, List.of(), Method.UNDETERMINED);
        }
        Matcher handler = HANDLER_READ.matcher(fp);
        if (handler.find() && IDENTIFIER.matcher(handler.group(1)).matches()) {
            return new Extraction(op, List.of(normalise(handler.group(1), db)), Method.FAST_PATH);
        }
        boolean readsTables = switch (op) {
            case SELECT, EXPORT, COPY_OUT, DML -> true;
            case DDL -> fp.contains("select ");
            default -> false;
        };
        if (!readsTables) {
            return new Extraction(op, List.of(), Method.NONE);
        }
        if (op == Operation.COPY_OUT) {
            return copyOut(sql, fp, db, dialect);
        }
        List<String> fast = op == Operation.SELECT ? fastPath(fp, db) : null;
        if (fast != null) {
            return new Extraction(op, fast, Method.FAST_PATH);
        }
        if (sql.length() <= maxFullParseChars
                && nestingDepth(fp, MAX_PARSE_DEPTH) <= MAX_PARSE_DEPTH
                && !parseFailures.containsKey(fp)) {
            parserCalls++;
            List<String> parsed = fullParse(parserText(sql, dialect), db);
            if (parsed != null) {
                return new Extraction(op, parsed, Method.PARSER);
            }
            parseFailures.put(fp, Boolean.TRUE);
        }
        List<String> scanned = tokenScan(fp, db);
        if (scanned.isEmpty() && (fp.contains(" from ") || fp.contains(" join "))) {
            return new Extraction(op, scanned, Method.UNDETERMINED);
        }
        return new Extraction(op, scanned, Method.TOKEN_SCAN);
    }

    /**
     * The statement as JSqlParser should see it: MySQL's versioned comments are code the server runs, so their marks
     * are dropped (JSqlParser would skip them as comments), and control characters that are no whitespace go.
     */
    static String parserText(String sql, SqlDialect dialect) {
        String text = sql;
        if (dialect != SqlDialect.POSTGRES && text.contains("/*!")) {
            // Only when every comment is a versioned one: a '*/' of an ordinary comment must stay to close it.
            Matcher m = VERSIONED_COMMENT.matcher(text);
            int opens = 0;
            int closes = 0;
            while (m.find()) {
                if (m.group().startsWith("/")) {
                    opens++;
                } else {
                    closes++;
                }
            }
            if (opens == closes
                    && text.indexOf("/*") == text.indexOf("/*!")
                    && text.replace("/*!", "").indexOf("/*") < 0) {
                text = VERSIONED_COMMENT.matcher(text).replaceAll(" ");
            }
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                if (sb == null) {
                    sb = new StringBuilder(text.length()).append(text, 0, i);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    private Extraction copyOut(String sql, String fp, String db, SqlDialect dialect) {
        Matcher m = COPY_TABLE_TO.matcher(fp);
        if (m.find() && IDENTIFIER.matcher(m.group(1)).matches()) {
            return new Extraction(Operation.COPY_OUT, List.of(normalise(m.group(1), db)), Method.FAST_PATH);
        }
        int open = sql.indexOf('(');
        int close = open < 0 ? -1 : matchingParen(sql, open);
        if (close > open) {
            String query = sql.substring(open + 1, close);
            Extraction inner = compute(query, Fingerprint.of(query, dialect), db, dialect);
            return new Extraction(Operation.COPY_OUT, inner.tables(), inner.method());
        }
        return new Extraction(Operation.COPY_OUT, tokenScan(fp, db), Method.TOKEN_SCAN);
    }

    /** {@code select <anything without parentheses after from> from a [, b | join b on ...]}; null when not that simple. */
    static List<String> fastPath(String fp, String db) {
        if (!fp.startsWith("select ") || fp.indexOf("select", 7) >= 0 || fp.contains(" union ")) {
            return null;
        }
        int from = fp.indexOf(" from ");
        if (from < 0) {
            return List.of();
        }
        String clause = fp.substring(from + 6);
        Matcher end = FROM_CLAUSE_END.matcher(clause);
        if (end.find()) {
            clause = clause.substring(0, end.start());
        }
        if (clause.indexOf('(') >= 0) {
            return null;
        }
        Set<String> tables = new LinkedHashSet<>();
        boolean expectTable = true;
        boolean inCondition = false;
        for (String raw : clause.replace(",", " , ").split(" ")) {
            if (raw.isEmpty()) {
                continue;
            }
            if (raw.equals(",") || raw.equals("join") || raw.equals("straight_join")) {
                expectTable = true;
                inCondition = false;
            } else if (expectTable) {
                if (!IDENTIFIER.matcher(raw).matches() || JOIN_NOISE.contains(raw)) {
                    if (JOIN_NOISE.contains(raw)) {
                        continue;
                    }
                    return null;
                }
                tables.add(normalise(raw, db));
                expectTable = false;
            } else if (raw.equals("on") || raw.equals("using")) {
                inCondition = true;
            } else if (!inCondition && (raw.equals("?") || raw.equals("limit"))) {
                return null;
            }
        }
        return expectTable ? null : List.copyOf(tables);
    }

    private static List<String> fullParse(String sql, String db) {
        try {
            Statement st = CCJSqlParserUtil.parse(
                    stripTrailingSemicolon(sql), PARSER_THREADS, p -> p.withTimeOut(PARSE_TIMEOUT_MS));
            Set<String> names = new TablesNamesFinder<Void>().getTables(st);
            Set<String> excluded = new LinkedHashSet<>();
            if (st instanceof Select select && select.getWithItemsList() != null) {
                for (WithItem<?> w : select.getWithItemsList()) {
                    excluded.add(normalise(w.getAliasName(), db));
                    excluded.add(normalise(w.getAliasName(), null));
                }
            }
            if (st instanceof Insert insert) {
                excluded.add(normalise(insert.getTable().getFullyQualifiedName(), db));
                if (insert.getWithItemsList() != null) {
                    insert.getWithItemsList().forEach(w -> excluded.add(normalise(w.getAliasName(), db)));
                }
            } else if (st instanceof Update update) {
                excluded.add(normalise(update.getTable().getFullyQualifiedName(), db));
            } else if (st instanceof Delete delete) {
                excluded.add(normalise(delete.getTable().getFullyQualifiedName(), db));
            }
            List<String> out = new ArrayList<>();
            for (String name : names) {
                String n = normalise(name, db);
                if (!excluded.contains(n) && !excluded.contains(normalise(name, null)) && !out.contains(n)) {
                    out.add(n);
                }
            }
            return out;
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }

    /** Names after FROM and JOIN, minus the write target of INSERT/UPDATE/DELETE: for statements the parser cannot take. */
    static List<String> tokenScan(String fp, String db) {
        String[] tokens =
                fp.replace(",", " , ").replace("(", " ( ").replace(")", " ) ").split(" +");
        Set<String> tables = new LinkedHashSet<>();
        String target = null;
        for (int i = 0; i + 1 < tokens.length; i++) {
            String t = tokens[i];
            String next = tokens[i + 1];
            boolean writeTarget = (t.equals("into") && i > 0 && INSERT_WORDS.contains(tokens[i - 1]))
                    || (t.equals("update") && i == 0)
                    || (t.equals("from") && i > 0 && tokens[i - 1].equals("delete"));
            if (writeTarget && IDENTIFIER.matcher(next).matches()) {
                target = normalise(next, db);
            } else if ((t.equals("from") || t.equals("join"))
                    && IDENTIFIER.matcher(next).matches()
                    && !JOIN_NOISE.contains(next)) {
                tables.add(normalise(next, db));
                // 'from a [as] x, b [as] y': the names after the commas are read too.
                int k = i + 2;
                while (k < tokens.length) {
                    if (k + 1 < tokens.length && tokens[k].equals("as")) {
                        k += 2;
                    } else if (k < tokens.length
                            && !tokens[k].equals(",")
                            && IDENTIFIER.matcher(tokens[k]).matches()
                            && !FROM_LIST_END.contains(tokens[k])) {
                        k++;
                    }
                    if (k + 1 < tokens.length
                            && tokens[k].equals(",")
                            && IDENTIFIER.matcher(tokens[k + 1]).matches()
                            && !FROM_LIST_END.contains(tokens[k + 1])) {
                        tables.add(normalise(tokens[k + 1], db));
                        k += 2;
                    } else {
                        break;
                    }
                }
            }
        }
        if (target != null) {
            tables.remove(target);
        }
        return List.copyOf(tables);
    }

    /** Lower-case, quotes stripped, qualified with {@code db} when it has no qualifier. */
    public static String normalise(String name, String db) {
        StringBuilder sb = new StringBuilder(name.length());
        int parts = 1;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '`' || c == '"' || c == '[' || c == ']' || c < ' ') {
                continue;
            }
            if (c == '.') {
                parts++;
            }
            sb.append(Character.toLowerCase(c));
        }
        if (parts == 1 && db != null && !db.isEmpty()) {
            return db.toLowerCase(Locale.ROOT) + '.' + sb;
        }
        return sb.toString();
    }

    private static String firstWord(String fp) {
        if (fp.startsWith("(")) {
            return "(";
        }
        int sp = fp.indexOf(' ');
        return sp < 0 ? fp : fp.substring(0, sp);
    }

    private static String stripTrailingSemicolon(String sql) {
        String s = sql.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }

    /** The deepest parenthesis nesting of {@code fp} (literals masked), counting stops past {@code limit}. */
    static int nestingDepth(String fp, int limit) {
        int depth = 0;
        int max = 0;
        for (int i = 0; i < fp.length(); i++) {
            char c = fp.charAt(i);
            if (c == '(') {
                max = Math.max(max, ++depth);
                if (max > limit) {
                    return max;
                }
            } else if (c == ')' && depth > 0) {
                depth--;
            }
        }
        return max;
    }

    private static int matchingParen(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
