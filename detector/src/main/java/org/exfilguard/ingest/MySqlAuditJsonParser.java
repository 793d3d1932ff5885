package org.exfilguard.ingest;

import java.time.Instant;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.exfilguard.schema.Operation;

/**
 * MySQL Enterprise Audit log in JSON (one object per line, or the array form, trailing commas allowed).
 * Each {@code table_access} record (read, insert, update, delete) becomes one event for its {@code db.table}, with the
 * statement fingerprint; connection and general records are skipped, since every table a statement touches has its
 * own table_access record. The format has no row counts: rows_returned is 0.
 */
public final class MySqlAuditJsonParser implements LogParser {

    private final String source;
    private final ParserOptions options;
    private final DbEventFactory events;
    private final JsonDocumentAssembler assembler;
    private long lineNo;

    public MySqlAuditJsonParser(String source, ParserOptions options) {
        this.source = source;
        this.options = options;
        this.events = new DbEventFactory(options, LogFormat.MYSQL_AUDIT);
        this.assembler = new JsonDocumentAssembler(options.maxEntryChars());
    }

    @Override
    public LogFormat format() {
        return LogFormat.MYSQL_AUDIT;
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        try {
            String t = line.strip();
            if (!assembler.inProgress() && (t.equals("[") || t.equals("]") || t.equals("],"))) {
                return;
            }
            JsonDocumentAssembler.Status status = assembler.feed(line, lineNo);
            long torn = assembler.takeTorn();
            if (torn > 0) {
                // Reported at the line where it began; the record that showed it torn is read as usual.
                out.accept(new ParseResult.Reject(source, torn, "unterminated JSON record (the next one began before it closed)",
                        DbEventFactory.safeExcerpt(assembler.tornExcerpt())));
            }
            switch (status) {
                case COMPLETE -> record(assembler.document(), assembler.startLine(), out);
                case OVERFLOW -> out.accept(new ParseResult.Reject(source, assembler.startLine(),
                        "entry exceeds " + options.maxEntryChars() + " characters", ""));
                case STRAY -> out.accept(new ParseResult.Reject(source, lineNo, "text outside a JSON record",
                        DbEventFactory.safeExcerpt(line)));
                default -> {
                }
            }
        } catch (RuntimeException e) {
            assembler.reset();
            out.accept(new ParseResult.Reject(source, lineNo, "internal parser error: " + e.getClass().getSimpleName(),
                    DbEventFactory.safeExcerpt(line)));
        }
    }

    private void record(String json, long line, Consumer<ParseResult> out) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (Exception e) {
            out.accept(new ParseResult.Reject(source, line, Json.malformed(e), DbEventFactory.safeExcerpt(json)));
            return;
        }
        String cls = Json.text(n, "class");
        if (!"table_access".equals(cls)) {
            out.accept(new ParseResult.Skipped(cls == null ? "audit record without class" : cls + " record"));
            return;
        }
        JsonNode data = n.path("table_access_data");
        String db = Json.text(data, "db");
        String table = Json.text(data, "table");
        String ts = Json.text(n, "timestamp");
        Instant time = ts == null ? null : parseTime(ts);
        if (time == null || table == null) {
            out.accept(new ParseResult.Reject(source, line, time == null ? "missing or malformed timestamp" : "missing table",
                    ts == null ? "" : ts));
            return;
        }
        JsonNode account = n.path("account");
        JsonNode login = n.path("login");
        String user = Json.text(account, "user");
        String ip = Json.text(login, "ip");
        String host = Json.text(account, "host");
        String qualified = db == null ? table : db + "." + table;
        out.accept(new ParseResult.Event(events.build(new DbEventFactory.Access(time,
                user != null ? user : Json.text(login, "user"), ip, host, db, Json.text(data, "query"),
                operation(Json.text(n, "event"), Json.text(data, "sql_command")), List.of(qualified), 0, null, null,
                Json.text(n, "connection_id"), null, SqlDialect.MYSQL))));
    }

    private static Operation operation(String event, String sqlCommand) {
        String c = sqlCommand == null ? "" : sqlCommand.toLowerCase(Locale.ROOT);
        if (c.equals("select")) {
            return Operation.SELECT;
        }
        if (c.startsWith("create") || c.startsWith("alter") || c.startsWith("drop") || c.equals("truncate")) {
            return Operation.DDL;
        }
        return "read".equals(event) ? Operation.SELECT : Operation.DML;
    }

    /** {@code 2020-08-26 17:28:58}, in the log's zone (the audit plugin writes UTC). */
    private Instant parseTime(String s) {
        try {
            return LocalDateTime.parse(s.trim().replace(' ', 'T')).atZone(options.logZone()).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        if (assembler.inProgress()) {
            out.accept(new ParseResult.Reject(source, assembler.startLine(), "truncated JSON record at end of input", ""));
            assembler.reset();
        }
    }
}
