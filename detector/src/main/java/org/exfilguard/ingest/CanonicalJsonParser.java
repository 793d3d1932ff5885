package org.exfilguard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.Operation;

/**
 * Our own canonical events as JSON lines, with the schema's field names (what {@link org.exfilguard.avro.JsonRecords} writes).
 * A line with {@code dst_ip} is an {@link EgressEvent}, otherwise a {@link DbAccessEvent}. {@code event_time} is
 * ISO-8601 or epoch milliseconds. A supplied {@code statement_fingerprint} is fingerprinted again, so a producer that
 * put a raw statement there cannot push literals downstream.
 */
final class CanonicalJsonParser implements FormatParser {

    private final String source;
    private final ParserOptions options;
    private long lineNo;

    CanonicalJsonParser(String source, ParserOptions options) {
        this.source = source;
        this.options = options;
    }

    @Override
    public LogFormat format() {
        return LogFormat.CANONICAL;
    }

    /** A field problem: becomes a reject with this message. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        if (line.isBlank()) {
            return;
        }
        try {
            if (line.length() > options.maxEntryChars()) {
                throw new Invalid("entry exceeds " + options.maxEntryChars() + " characters");
            }
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(line);
            } catch (Exception e) {
                throw new Invalid(Json.malformed(e));
            }
            if (n == null || !n.isObject()) {
                throw new Invalid("not a JSON object");
            }
            SpecificRecord r = n.has("dst_ip") ? egress(n) : db(n);
            out.accept(new ParseResult.Event(r));
        } catch (Invalid e) {
            out.accept(new ParseResult.Reject(source, lineNo, e.getMessage(), Excerpt.of(line)));
        }
    }

    private static DbAccessEvent db(JsonNode n) throws Invalid {
        List<String> tables = new ArrayList<>();
        JsonNode t = n.get("tables");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw new Invalid("tables is not an array");
            }
            for (JsonNode x : t) {
                tables.add(SqlTables.normalise(x.asText(), null));
            }
        }
        String op = Json.text(n, "operation");
        Operation operation;
        try {
            operation = op == null
                    ? Operation.OTHER
                    : Operation.valueOf(op.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new Invalid("unknown operation");
        }
        String fp = Json.text(n, "statement_fingerprint");
        String db = Json.text(n, "database");
        return DbAccessEvent.newBuilder()
                .setEventTime(time(n))
                .setAccount(required(n, "account"))
                .setClientIp(Json.text(n, "client_ip"))
                .setClientHost(Json.text(n, "client_host"))
                .setDatabase(db == null ? null : db.toLowerCase(Locale.ROOT))
                .setTables(tables)
                .setOperation(operation)
                .setRowsReturned(count(n, "rows_returned", 0L))
                .setRowsExamined(count(n, "rows_examined", null))
                .setBytesReturned(count(n, "bytes_returned", null))
                .setStatementFingerprint(fp == null ? null : Fingerprint.of(fp, SqlDialect.UNKNOWN))
                .setSessionId(Json.text(n, "session_id"))
                .setSourceFormat(sourceFormat(n))
                .build();
    }

    private static EgressEvent egress(JsonNode n) throws Invalid {
        Long port = count(n, "dst_port", null);
        if (port != null && port > 65535) {
            throw new Invalid("dst_port out of range");
        }
        String protocol = Json.text(n, "protocol");
        return EgressEvent.newBuilder()
                .setEventTime(time(n))
                .setSrcIp(required(n, "src_ip"))
                .setSrcHost(Json.text(n, "src_host"))
                .setAccount(Json.text(n, "account"))
                .setDstIp(required(n, "dst_ip"))
                .setDstHost(Json.text(n, "dst_host"))
                .setDstPort(port == null ? null : port.intValue())
                .setProtocol(protocol == null ? null : protocol.toLowerCase(Locale.ROOT))
                .setBytesOut(count(n, "bytes_out", 0L))
                .setBytesIn(count(n, "bytes_in", 0L))
                .setSourceFormat(sourceFormat(n))
                .build();
    }

    private static String sourceFormat(JsonNode n) {
        String f = Json.text(n, "source_format");
        return f == null ? LogFormat.CANONICAL.id() : f;
    }

    private static String required(JsonNode n, String field) throws Invalid {
        String v = Json.text(n, field);
        if (v == null) {
            throw new Invalid("missing " + field);
        }
        return v;
    }

    private static Long count(JsonNode n, String field, Long absent) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().matches("\\d{1,18}")) {
            return Long.parseLong(v.asText());
        }
        throw new Invalid("malformed " + field);
    }

    private static Instant time(JsonNode n) throws Invalid {
        JsonNode v = n.get("event_time");
        if (v == null || v.isNull()) {
            throw new Invalid("missing event_time");
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.asLong());
        }
        Instant t;
        try {
            t = Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw new Invalid("malformed event_time");
        }
        if (!EventTimes.representable(t)) {
            throw new Invalid("event_time out of range");
        }
        return t;
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        // Line-oriented: nothing pending.
    }
}
