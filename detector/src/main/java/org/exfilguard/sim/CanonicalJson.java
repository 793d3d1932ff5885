package org.exfilguard.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.Operation;

/**
 * Canonical events as JSON lines: field names are the Avro schema's, {@code event_time} is ISO-8601 UTC.
 * Fields are written in schema order so the same events always give the same bytes.
 */
public final class CanonicalJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {
    }

    public static String toJson(DbAccessEvent e) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("event_time", e.getEventTime().toString());
            g.writeStringField("account", e.getAccount());
            nullableString(g, "client_ip", e.getClientIp());
            nullableString(g, "client_host", e.getClientHost());
            nullableString(g, "database", e.getDatabase());
            g.writeArrayFieldStart("tables");
            for (String t : e.getTables()) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeStringField("operation", e.getOperation().name());
            g.writeNumberField("rows_returned", e.getRowsReturned());
            nullableLong(g, "rows_examined", e.getRowsExamined());
            nullableLong(g, "bytes_returned", e.getBytesReturned());
            nullableString(g, "statement_fingerprint", e.getStatementFingerprint());
            nullableString(g, "session_id", e.getSessionId());
            g.writeStringField("source_format", e.getSourceFormat());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    public static String toJson(EgressEvent e) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("event_time", e.getEventTime().toString());
            g.writeStringField("src_ip", e.getSrcIp());
            nullableString(g, "src_host", e.getSrcHost());
            nullableString(g, "account", e.getAccount());
            g.writeStringField("dst_ip", e.getDstIp());
            nullableString(g, "dst_host", e.getDstHost());
            if (e.getDstPort() == null) {
                g.writeNullField("dst_port");
            } else {
                g.writeNumberField("dst_port", e.getDstPort());
            }
            nullableString(g, "protocol", e.getProtocol());
            g.writeNumberField("bytes_out", e.getBytesOut());
            g.writeNumberField("bytes_in", e.getBytesIn());
            g.writeStringField("source_format", e.getSourceFormat());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return w.toString();
    }

    /**
     * Reads a canonical database event line.
     *
     * @throws IllegalArgumentException with the reason when the line is not a valid db event
     */
    public static DbAccessEvent parseDbEvent(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalArgumentException("not JSON: " + ex.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!n.hasNonNull("account") || !n.hasNonNull("event_time") || !n.has("tables")) {
            throw new IllegalArgumentException("missing account, event_time or tables");
        }
        List<String> tables = new ArrayList<>();
        n.get("tables").forEach(t -> tables.add(t.asText()));
        Operation op;
        try {
            op = n.hasNonNull("operation") ? Operation.valueOf(n.get("operation").asText()) : Operation.OTHER;
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("unknown operation " + n.get("operation").asText());
        }
        return DbAccessEvent.newBuilder()
                .setEventTime(parseTime(n.get("event_time")))
                .setAccount(n.get("account").asText())
                .setClientIp(text(n, "client_ip"))
                .setClientHost(text(n, "client_host"))
                .setDatabase(text(n, "database"))
                .setTables(tables)
                .setOperation(op)
                .setRowsReturned(n.path("rows_returned").asLong(0))
                .setRowsExamined(n.hasNonNull("rows_examined") ? n.get("rows_examined").asLong() : null)
                .setBytesReturned(n.hasNonNull("bytes_returned") ? n.get("bytes_returned").asLong() : null)
                .setStatementFingerprint(text(n, "statement_fingerprint"))
                .setSessionId(text(n, "session_id"))
                .setSourceFormat(n.hasNonNull("source_format") ? n.get("source_format").asText() : "canonical")
                .build();
    }

    /** ISO-8601 text, or epoch milliseconds as a number. */
    static Instant parseTime(JsonNode n) {
        try {
            return n.isNumber() ? Instant.ofEpochMilli(n.asLong()) : Instant.parse(n.asText());
        } catch (java.time.format.DateTimeParseException ex) {
            throw new IllegalArgumentException("bad timestamp " + n.asText());
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static void nullableString(JsonGenerator g, String name, String v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, v);
        }
    }

    private static void nullableLong(JsonGenerator g, String name, Long v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }
}
