package org.exfilguard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exfilguard.schema.Operation;

/**
 * pgaudit {@code AUDIT:} lines in a postgres log: AUDIT_TYPE, STATEMENT_ID, SUBSTATEMENT_ID, CLASS, COMMAND,
 * OBJECT_TYPE, OBJECT_NAME, STATEMENT, PARAMETER and, with {@code pgaudit.log_rows}, ROWS. Quoted CSV fields may span
 * lines. User, database, client and time come from the {@code log_line_prefix} when it has them ({@code user=},
 * {@code db=}, {@code client=}/{@code host=}, a timestamp). Lines shipped inside a JSON envelope (syslog JSON
 * {@code message}, Cloud Logging {@code textPayload}, also in Logstash's rubydebug dump) are unwrapped first.
 * <p>
 * pgaudit repeats one statement on several lines (a SESSION line and OBJECT lines, one per relation); lines of one
 * backend session (see {@link LogLinePrefix}) with the same statement and substatement id become one event with all
 * their relations, so rows are counted once. Lines of other sessions may come in between; lines of different sessions
 * are never merged, and a line whose prefix names no session is an event of its own. A session's statement is emitted
 * when that session logs its next statement, when {@value #GROUP_WINDOW_LINES} audit lines of other sessions have
 * followed it, when more than {@value #MAX_OPEN_SESSIONS} sessions are open, or at the end of input. Unqualified table
 * names are qualified with schema {@code public} (the default search path), as pgaudit's OBJECT_NAME is.
 */
final class PgAuditParser implements FormatParser {

    private static final String MARK = "AUDIT: ";
    private static final Pattern TIME = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)(?: ?(Z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)\\b)?");
    /**
     * Audit lines of other sessions after which a session's statement is taken as complete: pgaudit writes the lines
     * of one statement back to back, so only lines other backends wrote in the same instant come in between.
     */
    static final int GROUP_WINDOW_LINES = 100;
    /** Sessions with a statement being merged at once; the least recently logged is emitted first. */
    static final int MAX_OPEN_SESSIONS = 64;

    private static final Pattern RUBY_PAYLOAD =
            Pattern.compile("^\\s*\"(?:textPayload|message)\"\\s*=>\\s*(\".*\")\\s*,?\\s*$");

    private final String source;
    private final ParserOptions options;
    private final DbEventFactory events;
    private long lineNo;
    private Instant lastTime;

    private StringBuilder pendingCsv;
    private String pendingPrefix;
    private long pendingLine;

    /** Statements being merged, by session key, least recently logged first. */
    private final LinkedHashMap<String, Group> open = new LinkedHashMap<>(16, 0.75f, true);

    private long auditLines;
    /** Characters held by the open statements, bounded so that many sessions cannot hold many large statements. */
    private long heldChars;

    PgAuditParser(String source, ParserOptions options) {
        this.source = source;
        this.options = options;
        this.events = new DbEventFactory(options, LogFormat.PGAUDIT);
    }

    @Override
    public LogFormat format() {
        return LogFormat.PGAUDIT;
    }

    /** Lines of one statement (same session, statement and substatement id) being merged. */
    private static final class Group {
        String statementKey;
        Instant time;
        LogLinePrefix prefix;
        String statement;
        String auditClass;
        String command;
        final List<String> objects = new ArrayList<>();
        long rows;
        long lastLine;
        long chars;
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        if (pendingCsv != null && line.contains(":  " + MARK)) {
            // A new audit line while a quote is open: the open one was cut off. Reject it rather than swallow the log.
            out.accept(new ParseResult.Reject(
                    source, pendingLine, "unterminated quoted field", Excerpt.of(pendingCsv.toString())));
            pendingCsv = null;
        }
        if (pendingCsv != null) {
            if (pendingCsv.length() + line.length() + 1 > options.maxEntryChars()) {
                pendingCsv = null;
                out.accept(new ParseResult.Reject(
                        source, pendingLine, "entry exceeds " + options.maxEntryChars() + " characters", ""));
                return;
            }
            pendingCsv.append('\n').append(line);
            if (quotesBalanced(pendingCsv)) {
                String csv = pendingCsv.toString();
                pendingCsv = null;
                record(pendingPrefix, csv, pendingLine, out);
            }
            return;
        }
        int mark = line.indexOf(MARK);
        if (mark < 0) {
            out.accept(new ParseResult.Skipped("non-audit log line"));
            return;
        }
        if (line.length() > options.maxEntryChars()) {
            out.accept(new ParseResult.Reject(
                    source, lineNo, "entry exceeds " + options.maxEntryChars() + " characters", ""));
            return;
        }
        String text = line;
        boolean enveloped = false;
        int brace = line.indexOf("{\"");
        int escapedBrace = line.indexOf("{\\\"");
        Matcher ruby = RUBY_PAYLOAD.matcher(line);
        if ((brace >= 0 && brace < mark) || (escapedBrace >= 0 && escapedBrace < mark)) {
            JsonNode node;
            try {
                String json = brace >= 0 && (escapedBrace < 0 || brace < escapedBrace)
                        ? line.substring(brace)
                        // A JSON document dumped as an escaped string ({\"data\":...}): unescape one level first.
                        : Json.MAPPER.readValue('"' + line.substring(escapedBrace) + '"', String.class);
                node = Json.MAPPER.readTree(json);
            } catch (Exception e) {
                out.accept(new ParseResult.Reject(source, lineNo, "malformed JSON envelope", Excerpt.of(line)));
                return;
            }
            JsonNode msg = findAuditText(node, 0);
            if (msg == null) {
                out.accept(new ParseResult.Skipped("JSON envelope without an audit message"));
                return;
            }
            text = msg.asText();
            enveloped = true;
        } else if (ruby.matches()) {
            try {
                text = Json.MAPPER.readValue(ruby.group(1), String.class);
                enveloped = true;
            } catch (Exception e) {
                out.accept(new ParseResult.Reject(source, lineNo, "malformed rubydebug payload", Excerpt.of(line)));
                return;
            }
        }
        mark = text.indexOf(MARK);
        if (mark < 0) {
            out.accept(new ParseResult.Skipped("non-audit log line"));
            return;
        }
        String prefix = text.substring(0, mark);
        String csv = text.substring(mark + MARK.length());
        if (!quotesBalanced(csv)) {
            if (enveloped) {
                // An envelope holds one whole log message: an open quote here is a truncated record.
                out.accept(new ParseResult.Reject(source, lineNo, "unterminated quoted field", Excerpt.of(csv)));
                return;
            }
            pendingCsv = new StringBuilder(csv);
            pendingPrefix = prefix;
            pendingLine = lineNo;
            return;
        }
        record(prefix, csv, lineNo, out);
    }

    /** The first string value holding an audit line, depth-first (envelopes nest it differently). */
    private static JsonNode findAuditText(JsonNode node, int depth) {
        if (node.isTextual()) {
            return node.asText().contains(MARK) ? node : null;
        }
        if (depth > 16) {
            return null;
        }
        for (JsonNode child : node) {
            JsonNode found = findAuditText(child, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static boolean quotesBalanced(CharSequence s) {
        int quotes = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '"') {
                quotes++;
            }
        }
        return quotes % 2 == 0;
    }

    private void record(String prefix, String csv, long line, Consumer<ParseResult> out) {
        List<String> f = parseCsv(csv);
        if (f == null) {
            out.accept(new ParseResult.Reject(source, line, "malformed CSV quoting", Excerpt.of(csv)));
            return;
        }
        if (f.size() != 9 && f.size() != 10) {
            out.accept(new ParseResult.Reject(
                    source, line, "expected 9 or 10 audit fields, got " + f.size(), Excerpt.of(csv)));
            return;
        }
        long rows = 0;
        if (f.size() == 10) {
            rows = parseRows(f.get(9));
            if (rows < 0) {
                out.accept(new ParseResult.Reject(source, line, "malformed ROWS field", Excerpt.of(csv)));
                return;
            }
        }
        Instant time;
        try {
            time = prefixTime(prefix);
        } catch (DateTimeException e) {
            out.accept(
                    new ParseResult.Reject(source, line, "malformed timestamp in log line prefix", Excerpt.of(prefix)));
            return;
        }
        LogLinePrefix fields = LogLinePrefix.parse(prefix);
        String session = fields.sessionKey();
        String statementKey = f.get(1) + "/" + f.get(2);
        auditLines++;
        Group g = session == null ? null : open.get(session);
        if (g != null && g.statementKey.equals(statementKey)) {
            heldChars -= g.chars;
            merge(g, f, rows);
            heldChars += g.chars;
        } else {
            if (g != null) {
                emit(open.remove(session), out);
            }
            g = new Group();
            g.statementKey = statementKey;
            g.prefix = fields;
            g.time = time;
            if (time != null) {
                lastTime = time;
            }
            g.auditClass = f.get(3);
            g.command = f.get(4);
            merge(g, f, rows);
            if (session == null) {
                // No session to tell this statement's lines from another's: merging could join two users' reads.
                emit(g, out);
            } else {
                open.put(session, g);
                heldChars += g.chars;
            }
        }
        g.lastLine = auditLines;
        closeStale(out);
    }

    /** Emits the statements no longer expected to grow, and the oldest ones while too many or too large are open. */
    private void closeStale(Consumer<ParseResult> out) {
        var it = open.values().iterator();
        while (it.hasNext()) {
            Group eldest = it.next();
            boolean stale = auditLines - eldest.lastLine >= GROUP_WINDOW_LINES;
            boolean tooMany = open.size() > MAX_OPEN_SESSIONS;
            boolean tooLarge = heldChars > 2L * options.maxEntryChars() && open.size() > 1;
            if (!stale && !tooMany && !tooLarge) {
                return;
            }
            it.remove();
            emit(eldest, out);
        }
    }

    private static void merge(Group g, List<String> f, long rows) {
        String statement = f.get(7);
        if (g.statement == null && !statement.startsWith("<") && !statement.isEmpty()) {
            g.statement = statement;
            g.chars += statement.length();
        }
        String object = f.get(6);
        if (!object.isEmpty() && g.objects.size() < SqlTables.MAX_TABLES && !g.objects.contains(object)) {
            g.objects.add(object);
            g.chars += object.length();
        }
        g.rows = Math.max(g.rows, rows);
    }

    private void flushAll(Consumer<ParseResult> out) {
        var it = open.values().iterator();
        while (it.hasNext()) {
            Group g = it.next();
            it.remove();
            emit(g, out);
        }
        heldChars = 0;
    }

    private void emit(Group g, Consumer<ParseResult> out) {
        heldChars -= g.chars;
        Operation op = g.statement == null ? operationOf(g.auditClass, g.command) : null;
        Instant time = g.time != null ? g.time : lastTime != null ? lastTime : Instant.EPOCH;
        String client = g.prefix.client();
        String ip = MySqlSlowLogParser.looksLikeIp(client) ? client : null;
        String host = ip == null ? client : null;
        if ("[local]".equals(host)) {
            host = "localhost";
        }
        out.accept(new ParseResult.Event(events.build(new DbEventFactory.Access(
                time,
                g.prefix.user(),
                ip,
                host,
                g.prefix.db(),
                g.statement,
                op,
                g.objects,
                g.rows,
                null,
                null,
                g.prefix.eventSessionId(),
                "public",
                SqlDialect.POSTGRES))));
    }

    private static Operation operationOf(String auditClass, String command) {
        String c = command.toUpperCase(Locale.ROOT);
        if (c.equals("SELECT")) {
            return Operation.SELECT;
        }
        return switch (auditClass.toUpperCase(Locale.ROOT)) {
            case "READ" -> Operation.SELECT;
            case "WRITE" -> Operation.DML;
            case "DDL" -> Operation.DDL;
            default -> Operation.OTHER;
        };
    }

    private static long parseRows(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(s);
    }

    private Instant prefixTime(String prefix) {
        Matcher m = TIME.matcher(prefix);
        if (!m.find()) {
            return null;
        }
        LocalDateTime local = LocalDateTime.parse(m.group(1) + "T" + m.group(2));
        String zone = m.group(3);
        if (zone == null) {
            return local.atZone(options.logZone()).toInstant();
        }
        if (zone.equals("Z") || zone.equals("UTC") || zone.equals("GMT")) {
            return local.toInstant(ZoneOffset.UTC);
        }
        String offset = zone.length() == 3
                ? zone + ":00"
                : zone.length() == 5 ? zone.substring(0, 3) + ":" + zone.substring(3) : zone;
        return OffsetDateTime.of(local, ZoneOffset.of(offset)).toInstant();
    }

    /** RFC 4180 fields; null when a quote is left open or text follows a closing quote. */
    static List<String> parseCsv(String s) {
        List<String> fields = new ArrayList<>(10);
        int n = s.length();
        int i = 0;
        StringBuilder sb = new StringBuilder();
        while (true) {
            sb.setLength(0);
            if (i < n && s.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && s.charAt(i + 1) == '"') {
                            sb.append('"');
                            i += 2;
                        } else {
                            i++;
                            closed = true;
                            break;
                        }
                    } else {
                        sb.append(c);
                        i++;
                    }
                }
                if (!closed || (i < n && s.charAt(i) != ',')) {
                    return null;
                }
            } else {
                int comma = s.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                sb.append(s, i, end);
                i = end;
            }
            fields.add(sb.toString());
            if (i >= n) {
                return fields;
            }
            i++; // the comma
        }
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        if (pendingCsv != null) {
            out.accept(new ParseResult.Reject(
                    source,
                    pendingLine,
                    "unterminated quoted field at end of input",
                    Excerpt.of(pendingCsv.toString())));
            pendingCsv = null;
        }
        flushAll(out);
    }

    /** A line that threw drops only the quoted field it may have left open; statements of other sessions stay. */
    @Override
    public void abandonEntry() {
        pendingCsv = null;
    }

    @Override
    public void abandonAll() {
        pendingCsv = null;
        open.clear();
        heldChars = 0;
    }
}
