package org.exfilguard.incident;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Plain Avro binary of one record type, for values kept inside state (no registry, no wire-format header). */
public final class AvroBytes<T extends SpecificRecord> {

    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;

    public AvroBytes(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(type);
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
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
    public static byte[] bytes(java.nio.ByteBuffer buffer) {
        java.nio.ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    public T decode(byte[] bytes) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
        try {
            return reader.read(null, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
