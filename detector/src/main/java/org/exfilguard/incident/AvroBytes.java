package org.exfilguard.incident;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record type as Avro single-object encoding (marker {@code C3 01}, the writer schema's CRC-64-AVRO
 * fingerprint, then Avro binary), for values kept inside state and on internal topics, where no registry holds the
 * writer schema. The next build reads these bytes because it knows every earlier schema of the type from
 * {@link SchemaHistory}. Bytes without the marker were written by builds before this encoding, as plain Avro
 * binary of the type's first history entry; they are still read.
 */
public final class AvroBytes<T extends SpecificRecord> {

    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = 0x01;
    private static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final byte[] header;
    private final SpecificDatumWriter<T> writer;
    private final Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();
    private final SpecificDatumReader<T> legacy;

    public AvroBytes(Class<T> type) {
        this(type, SchemaHistory.of(type));
    }

    /** With an explicit history, oldest first: tests stand in for a build whose schema has since changed. */
    AvroBytes(Class<T> type, List<Schema> history) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("no schema history for " + type.getName());
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        this.type = type;
        this.header = header(current);
        this.writer = new SpecificDatumWriter<>(current, model);
        for (Schema written : history) {
            readers.put(
                    SchemaNormalization.parsingFingerprint64(written),
                    new SpecificDatumReader<>(written, current, model));
        }
        readers.putIfAbsent(
                SchemaNormalization.parsingFingerprint64(current), new SpecificDatumReader<>(current, current, model));
        this.legacy = new SpecificDatumReader<>(history.get(0), current, model);
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.write(header, 0, header.length);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The remaining bytes of an Avro {@code bytes} field, without disturbing the buffer. */
    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    public T decode(byte[] bytes) {
        // A legacy record cannot start with the marker: every stored type begins with a string, and C3 01 would
        // be a negative length.
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            return read(legacy, bytes, 0);
        }
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw new IllegalStateException(String.format(
                    "%s written with an unknown schema (fingerprint %016x): "
                            + "a newer build, or a schema change without its entry under schemas/history",
                    type.getSimpleName(), fingerprint));
        }
        return read(reader, bytes, HEADER_LENGTH);
    }

    private static <T> T read(SpecificDatumReader<T> reader, byte[] bytes, int offset) {
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] header(Schema schema) {
        return ByteBuffer.allocate(HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(MARKER_0)
                .put(MARKER_1)
                .putLong(SchemaNormalization.parsingFingerprint64(schema))
                .array();
    }
}
