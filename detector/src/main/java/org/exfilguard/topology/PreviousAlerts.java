package org.exfilguard.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * Reads alerts kept in state by builds whose {@code ExfiltrationAlert} schema had no {@code totals} field. Plain
 * Avro binary carries no writer schema, so the writer is this one: the current schema without its last field.
 */
final class PreviousAlerts {

    static final String ADDED_FIELD = "totals";

    private final SpecificDatumReader<ExfiltrationAlert> reader =
            new SpecificDatumReader<>(schema(), ExfiltrationAlert.getClassSchema());

    /** The alert schema before {@code totals} was added. */
    static Schema schema() {
        Schema current = ExfiltrationAlert.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().filter(f -> !f.name().equals(ADDED_FIELD))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    ExfiltrationAlert decode(byte[] bytes) {
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
