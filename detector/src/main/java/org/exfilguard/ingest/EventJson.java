package org.exfilguard.ingest;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Canonical events as one JSON object per line, with the Avro schema's field names, {@code event_time} as ISO-8601
 * UTC and enums by symbol. {@link CanonicalJsonParser} reads it back.
 */
public final class EventJson {

    private EventJson() {
    }

    public static String toJson(SpecificRecord record) {
        StringWriter w = new StringWriter(256);
        write(record, w);
        return w.toString();
    }

    /** Writes {@code record} as one line (with its newline). */
    public static void writeLine(SpecificRecord record, Writer out) throws IOException {
        write(record, out);
        out.write('\n');
    }

    private static void write(SpecificRecord record, Writer out) {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            for (Schema.Field f : record.getSchema().getFields()) {
                g.writeFieldName(f.name());
                writeValue(g, record.get(f.pos()));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Instant i) {
            g.writeString(i.toString());
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }
}
