package org.exfilguard.serde;

import java.nio.ByteBuffer;
import java.util.OptionalInt;

/** The Confluent framing: magic byte 0, then the schema id as a 4-byte big-endian int, then the payload. */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {}

    /** The schema id of a framed record, after checking length and magic byte. */
    public static int schemaId(byte[] data) {
        if (data.length < HEADER_LENGTH) {
            throw new WireFormatException(
                    WireFormatException.Reason.TOO_SHORT,
                    "record is " + data.length + " bytes, shorter than the " + HEADER_LENGTH
                            + "-byte header (magic byte + schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new WireFormatException(
                    WireFormatException.Reason.WRONG_MAGIC_BYTE,
                    String.format(
                            "first byte is 0x%02x, expected magic byte 0x00 (not Confluent-framed Avro%s)",
                            data[0] & 0xff, data[0] == '{' ? "; looks like JSON" : ""));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /** The schema id if the record is framed, empty otherwise; for dead-letter headers. */
    public static OptionalInt peekSchemaId(byte[] data) {
        if (data == null || data.length < HEADER_LENGTH || data[0] != MAGIC_BYTE) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(ByteBuffer.wrap(data, 1, 4).getInt());
    }

    /** Subject under TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
