package org.exfilguard.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.function.Consumer;

/**
 * MySQL and Percona Server slow query log, every layout from 5.0 to 8.0: {@code # Time:} written only when the
 * second changes (the last one carries over), {@code # User@Host} with empty parts, Percona's extra {@code #} lines
 * and {@code log_slow_extra}, {@code use db;} (which persists) and {@code SET timestamp=N;} (event time) before the
 * statement, multi-line statements, server start-up banners anywhere in the file.
 * An entry without any time gets the last time seen in the stream, or the epoch when there was none.
 */
final class MySqlSlowLogParser implements FormatParser {

    private final String source;
    private final int maxEntryChars;
    private final ParserOptions options;
    private final DbEventFactory events;

    private long lineNo;
    private String currentDb;
    private Instant lastTime;
    private Entry entry;

    MySqlSlowLogParser(String source, ParserOptions options) {
        this.source = source;
        this.options = options;
        this.maxEntryChars = options.maxEntryChars();
        this.events = new DbEventFactory(options, LogFormat.MYSQL_SLOW);
    }

    @Override
    public LogFormat format() {
        return LogFormat.MYSQL_SLOW;
    }

    /** Per-entry state; reused to keep the hot path allocation-light. */
    private static final class Entry {
        long firstLine;
        boolean started;
        boolean inBody;
        boolean hasUserHost;
        boolean hasQueryTime;
        Instant time;
        Instant setTimestamp;
        String user;
        String host;
        String ip;
        String session;
        String schema;
        String useDb;
        long rowsSent;
        Long rowsExamined;
        Long bytesSent;
        final StringBuilder statement = new StringBuilder(256);
        boolean oversize;
        String error;
        long errorLine;
        String errorExcerpt;

        void reset(long line) {
            firstLine = line;
            started = true;
            inBody = hasUserHost = hasQueryTime = oversize = false;
            time = setTimestamp = null;
            user = host = ip = session = schema = useDb = error = errorExcerpt = null;
            rowsSent = 0;
            rowsExamined = bytesSent = null;
            errorLine = 0;
            if (statement.capacity() > 1 << 20) {
                statement.setLength(0);
                statement.trimToSize();
            }
            statement.setLength(0);
        }
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        if (line.length() > maxEntryChars) {
            Entry e = ensureEntry(out);
            fail(e, "entry exceeds " + maxEntryChars + " characters", line);
            e.oversize = true;
            e.inBody = true;
            return;
        }
        if (line.startsWith("#")) {
            headerLine(line, out);
        } else if (isBanner(line)) {
            flush(out);
            out.accept(new ParseResult.Skipped("server banner"));
        } else {
            bodyLine(line, out);
        }
    }

    private static boolean isBanner(String line) {
        return (line.contains(", Version: ") && line.contains("started with"))
                || line.regionMatches(true, 0, "Tcp port: ", 0, 10)
                || line.startsWith("Time                 Id Command");
    }

    private Entry ensureEntry(Consumer<ParseResult> out) {
        if (entry == null) {
            entry = new Entry();
        }
        if (!entry.started) {
            entry.reset(lineNo);
        }
        return entry;
    }

    private void headerLine(String line, Consumer<ParseResult> out) {
        if (line.startsWith("# administrator command:")) {
            Entry e = ensureEntry(out);
            if (e.inBody && e.statement.length() > 0) {
                flush(out);
                e = ensureEntry(out);
            }
            e.inBody = true;
            e.statement.setLength(0);
            e.statement.append(line, 2, stripSemicolon(line));
            return;
        }
        // A second User@Host before any Query_time overrides the first (slow035); a # Time line after one starts anew.
        boolean isTime = line.startsWith("# Time:");
        boolean startsEntry = isTime || line.startsWith("# User@Host:") || line.startsWith("# User:");
        if (entry != null
                && entry.started
                && (entry.inBody
                        || (startsEntry
                                && (entry.hasQueryTime || (isTime && (entry.time != null || entry.hasUserHost)))))) {
            flush(out);
        }
        Entry e = ensureEntry(out);
        String rest = line;
        if (rest.startsWith("# Time:")) {
            int user = rest.indexOf("# User@Host:", 7);
            String time = (user < 0 ? rest.substring(7) : rest.substring(7, user)).trim();
            Instant t = parseTime(time);
            if (t == null || !EventTimes.representable(t)) {
                fail(e, "malformed # Time value", line);
            } else {
                e.time = t;
                lastTime = t;
            }
            if (user < 0) {
                return;
            }
            rest = rest.substring(user);
        }
        if (rest.startsWith("# User@Host:") || rest.startsWith("# User:")) {
            userHost(e, rest.substring(rest.indexOf(':') + 1), line);
        } else if (rest.startsWith("# Client:")) {
            String c = rest.substring(9).strip();
            int colon = c.lastIndexOf(':');
            e.ip = colon > 0 && c.indexOf(':') == colon ? c.substring(0, colon) : c;
        } else {
            keyValues(e, rest, line);
        }
    }

    /**
     * {@code user[priv_user] @ host [ip]  Id: N}; either user part and either host part may be empty. Whitespace is
     * stripped, control characters are not (trim() would make {@code \u0007alice} into {@code alice}): a name
     * with them is rejected by {@link EventBounds}.
     */
    private void userHost(Entry e, String s, String line) {
        int at = s.indexOf(" @ ");
        if (at < 0) {
            at = s.indexOf("@ ");
        }
        if (at < 0) {
            fail(e, "malformed User@Host header", line);
            return;
        }
        e.hasUserHost = true;
        String left = s.substring(0, at).strip();
        String right = s.substring(at + 2).strip();
        int idPos = right.indexOf("Id:");
        if (idPos >= 0) {
            e.session = right.substring(idPos + 3).strip();
            right = right.substring(0, idPos).strip();
        }
        String user = left;
        String priv = null;
        if (left.endsWith("]")) {
            int depth = 0;
            for (int i = left.length() - 1; i >= 0; i--) {
                char c = left.charAt(i);
                if (c == ']') {
                    depth++;
                } else if (c == '[' && --depth == 0) {
                    user = left.substring(0, i);
                    priv = left.substring(i + 1, left.length() - 1);
                    break;
                }
            }
        }
        e.user = !user.isEmpty() ? user : priv;
        String host = right;
        String ip = null;
        int open = right.lastIndexOf('[');
        if (open >= 0 && right.endsWith("]")) {
            host = right.substring(0, open).strip();
            ip = right.substring(open + 1, right.length() - 1).strip();
        }
        if (ip != null && !ip.isEmpty() && !looksLikeIp(ip) && host.isEmpty()) {
            host = ip;
            ip = null;
        }
        if ((ip == null || ip.isEmpty()) && looksLikeIp(host)) {
            ip = host;
            host = "";
        }
        e.host = host;
        e.ip = ip;
    }

    static boolean looksLikeIp(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        boolean colon = s.indexOf(':') >= 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9')
                    || c == '.'
                    || (colon && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Scans {@code Key: value} pairs without regular expressions: this runs for every header line. */
    private void keyValues(Entry e, String line, String original) {
        int n = line.length();
        int i = 1;
        String key = null;
        while (i < n) {
            while (i < n && line.charAt(i) <= ' ') {
                i++;
            }
            int start = i;
            while (i < n && line.charAt(i) > ' ') {
                i++;
            }
            if (start == i) {
                break;
            }
            int colon = line.indexOf(':', start);
            if (colon >= 0 && colon < i) {
                if (key != null) {
                    value(e, key, "", original);
                }
                key = line.substring(start, colon);
                if (colon + 1 < i) {
                    value(e, key, line.substring(colon + 1, i), original);
                    key = null;
                }
            } else if (key != null) {
                value(e, key, line.substring(start, i), original);
                key = null;
            }
        }
        if (key != null) {
            value(e, key, "", original);
        }
    }

    private void value(Entry e, String key, String v, String line) {
        switch (key) {
            case "Query_time" -> {
                if (!isDecimal(v)) {
                    fail(e, "malformed Query_time", line);
                }
                e.hasQueryTime = true;
            }
            case "Lock_time" -> {
                if (!isDecimal(v)) {
                    fail(e, "malformed Lock_time", line);
                }
            }
            case "Rows_sent" -> {
                long r = parseCount(v);
                if (r < 0) {
                    fail(e, "malformed Rows_sent", line);
                } else {
                    e.rowsSent = r;
                }
            }
            case "Rows_examined" -> {
                long r = parseCount(v);
                if (r < 0) {
                    fail(e, "malformed Rows_examined", line);
                } else {
                    e.rowsExamined = r;
                }
            }
            case "Bytes_sent" -> {
                long r = parseCount(v);
                if (r < 0) {
                    fail(e, "malformed Bytes_sent", line);
                } else {
                    e.bytesSent = r;
                }
            }
            case "Thread_id" -> e.session = v.isEmpty() ? e.session : v;
            case "Schema" -> e.schema = v.isEmpty() ? null : v;
            default -> {
                // Percona and log_slow_extra add many counters the detector does not use.
            }
        }
    }

    private static boolean isDecimal(String v) {
        int n = v.length();
        if (n == 0 || n > 30) {
            return false;
        }
        boolean dot = false;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c == '.') {
                if (dot || i == 0) {
                    return false;
                }
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** A non-negative count, or -1 when malformed. */
    private static long parseCount(String v) {
        int n = v.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long r = 0;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            r = r * 10 + (c - '0');
        }
        return r;
    }

    private void bodyLine(String line, Consumer<ParseResult> out) {
        if (entry == null || !entry.started) {
            if (!line.isBlank()) {
                out.accept(
                        new ParseResult.Reject(source, lineNo, "statement text outside any entry", Excerpt.of(line)));
            }
            return;
        }
        Entry e = entry;
        if (e.oversize) {
            return;
        }
        if (e.statement.length() == 0) {
            if (line.isBlank()) {
                return;
            }
            e.inBody = true;
            if (sessionLine(e, line)) {
                return;
            }
        }
        if (e.statement.length() + line.length() + 1 > maxEntryChars) {
            fail(
                    e,
                    "entry exceeds " + maxEntryChars + " characters",
                    e.statement.substring(0, Math.min(200, e.statement.length())));
            e.oversize = true;
            e.statement.setLength(0);
            e.statement.trimToSize();
            return;
        }
        if (e.statement.length() > 0) {
            e.statement.append('\n');
        }
        e.statement.append(line);
    }

    /** {@code use db;} and {@code SET timestamp=N;} before the statement belong to the session, not the statement. */
    private boolean sessionLine(Entry e, String line) {
        if (line.length() > 4 && line.regionMatches(true, 0, "use ", 0, 4)) {
            String db = line.substring(4, stripSemicolon(line)).trim();
            if (!db.isEmpty() && db.indexOf(' ') < 0) {
                e.useDb = unquote(db);
                return true;
            }
        }
        if (line.regionMatches(true, 0, "SET timestamp=", 0, 14)) {
            long ts = parseCount(line.substring(14, stripSemicolon(line)).trim());
            if (ts >= 0) {
                Instant t = EventTimes.ofEpochSecond(ts, 0);
                if (t == null) {
                    fail(e, "SET timestamp " + EventTimes.OUT_OF_RANGE, line);
                } else {
                    e.setTimestamp = t;
                }
                return true;
            }
            fail(e, "malformed SET timestamp", line);
            return true;
        }
        return false;
    }

    private static String unquote(String name) {
        return name.replace("`", "");
    }

    private static int stripSemicolon(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ';' || line.charAt(end - 1) <= ' ')) {
            end--;
        }
        return end;
    }

    private void fail(Entry e, String reason, String excerpt) {
        if (e.error == null) {
            e.error = reason;
            e.errorLine = lineNo;
            e.errorExcerpt = excerpt.startsWith("#") ? excerpt : Excerpt.of(excerpt);
        }
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        flush(out);
    }

    @Override
    public void abandonEntry() {
        entry = null;
    }

    private void flush(Consumer<ParseResult> out) {
        Entry e = entry;
        if (e == null || !e.started) {
            return;
        }
        e.started = false;
        if (e.useDb != null) {
            currentDb = e.useDb;
        }
        if (e.error != null) {
            out.accept(new ParseResult.Reject(source, e.errorLine, e.error, e.errorExcerpt));
            return;
        }
        if (!e.hasQueryTime) {
            out.accept(new ParseResult.Reject(source, e.firstLine, "truncated entry: no Query_time header", ""));
            return;
        }
        String statement = e.statement.toString();
        if (statement.isEmpty()) {
            if (e.useDb == null) {
                out.accept(new ParseResult.Reject(source, e.firstLine, "truncated entry: no statement", ""));
                return;
            }
            statement = "use " + e.useDb;
        }
        Instant time = e.setTimestamp != null
                ? e.setTimestamp
                : e.time != null ? e.time : lastTime != null ? lastTime : Instant.EPOCH;
        String db = e.useDb != null ? e.useDb : e.schema != null ? e.schema : currentDb;
        // Administrator commands (Quit, Ping, Binlog Dump...) read no table; their row counters are left-overs
        // of the connection, which pt-query-digest also ignores.
        boolean admin = statement.startsWith("administrator command:");
        out.accept(new ParseResult.Event(events.build(new DbEventFactory.Access(
                time,
                e.user,
                e.ip,
                e.host,
                db,
                statement,
                null,
                null,
                admin ? 0 : e.rowsSent,
                admin ? null : e.rowsExamined,
                admin ? null : e.bytesSent,
                e.session,
                null,
                SqlDialect.MYSQL))));
    }

    /** {@code 2016-07-20T18:13:25[.698433]Z} without a formatter (MySQL 5.7+ writes one per entry); null if not that shape. */
    private static Instant isoUtcFast(String s) {
        int n = s.length();
        if (s.charAt(n - 1) != 'Z' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n - 21 > 9 || n - 21 < 1) {
                return null;
            }
            long f = parseCount(s.substring(20, n - 1));
            if (f < 0) {
                return null;
            }
            nanos = (int) (f * POW10[9 - (n - 21)]);
        } else if (n != 20) {
            return null;
        }
        long y = parseCount(s.substring(0, 4));
        long mo = parseCount(s.substring(5, 7));
        long d = parseCount(s.substring(8, 10));
        long h = parseCount(s.substring(11, 13));
        long mi = parseCount(s.substring(14, 16));
        long se = parseCount(s.substring(17, 19));
        if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) {
            return null;
        }
        return LocalDateTime.of((int) y, (int) mo, (int) d, (int) h, (int) mi, (int) se, nanos)
                .toInstant(java.time.ZoneOffset.UTC);
    }

    private static final long[] POW10 = {
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000
    };

    /** {@code 071015 21:43:52}, {@code 081127  8:51:20}, {@code 2016-07-20T18:13:25.698433Z}; null when neither. */
    private Instant parseTime(String s) {
        try {
            if (s.length() >= 19 && s.charAt(4) == '-' && s.charAt(10) == 'T') {
                Instant fast = isoUtcFast(s);
                if (fast != null) {
                    return fast;
                }
                if (s.endsWith("Z")) {
                    return Instant.parse(s);
                }
                if (s.length() > 19 && (s.lastIndexOf('+') > 10 || s.lastIndexOf('-') > 10)) {
                    return OffsetDateTime.parse(s).toInstant();
                }
                return LocalDateTime.parse(s).atZone(options.logZone()).toInstant();
            }
            int sp = s.indexOf(' ');
            if (sp != 6) {
                return null;
            }
            String d = s.substring(0, 6);
            String t = s.substring(6).trim();
            if (parseCount(d) < 0) {
                return null;
            }
            LocalDate date = LocalDate.of(
                    2000 + Integer.parseInt(d.substring(0, 2)),
                    Integer.parseInt(d.substring(2, 4)),
                    Integer.parseInt(d.substring(4, 6)));
            if (t.length() == 7 || (t.length() > 7 && t.charAt(1) == ':')) {
                t = "0" + t;
            }
            // MySQL 5.6 wrote ten fraction digits at times (slow056): keep nanoseconds.
            if (t.length() > 18 && t.charAt(8) == '.') {
                t = t.substring(0, 18);
            }
            return LocalDateTime.of(date, LocalTime.parse(t))
                    .atZone(options.logZone())
                    .toInstant();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }
}
