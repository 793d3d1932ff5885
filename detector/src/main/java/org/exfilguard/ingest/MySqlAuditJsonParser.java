package org.exfilguard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.exfilguard.schema.Operation;

/**
 * MySQL Enterprise Audit log in JSON (one object per line, or the array form, trailing commas allowed).
 * Each {@code table_access} record (read, insert, update, delete) becomes one event for its {@code db.table}, with the
 * statement fingerprint; connection and general records are skipped, since every table a statement touches has its
 * own table_access record. The format has no row counts: rows_returned is 0.
 */
final class MySqlAuditJsonParser extends JsonDocumentParser {

    MySqlAuditJsonParser(String source, ParserOptions options) {
        super(source, options, LogFormat.MYSQL_AUDIT, "record");
    }

    @Override
    boolean framing(String stripped) {
        return stripped.equals("[") || stripped.equals("]") || stripped.equals("],");
    }

    @Override
    void document(JsonNode n, String json, long line, Consumer<ParseResult> out) {
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
            out.accept(new ParseResult.Reject(
                    source,
                    line,
                    time == null ? "missing or malformed timestamp" : "missing table",
                    ts == null ? "" : ts));
            return;
        }
        JsonNode account = n.path("account");
        JsonNode login = n.path("login");
        String user = Json.text(account, "user");
        String ip = Json.text(login, "ip");
        String host = Json.text(account, "host");
        String qualified = db == null ? table : db + "." + table;
        out.accept(new ParseResult.Event(events.build(new DbEventFactory.Access(
                time,
                user != null ? user : Json.text(login, "user"),
                ip,
                host,
                db,
                Json.text(data, "query"),
                operation(Json.text(n, "event"), Json.text(data, "sql_command")),
                List.of(qualified),
                0,
                null,
                null,
                Json.text(n, "connection_id"),
                null,
                SqlDialect.MYSQL))));
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
            return LocalDateTime.parse(s.trim().replace(' ', 'T'))
                    .atZone(options.logZone())
                    .toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }
}
