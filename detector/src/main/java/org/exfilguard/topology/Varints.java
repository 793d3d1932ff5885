package org.exfilguard.topology;

import java.io.ByteArrayOutputStream;

/**
 * Zig-zag varint packing of the long arrays in profile state. Avro's own arrays of longs box every element;
 * the profile is read and written on every event, and most sub-buckets are zero, so packed bytes are both
 * smaller and several times cheaper to encode.
 */
final class Varints {

    private Varints() {}

    static byte[] pack(long[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(values.length + 8);
        for (long value : values) {
            long v = (value << 1) ^ (value >> 63);
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
        return out.toByteArray();
    }

    static long[] unpack(byte[] bytes, int count) {
        long[] values = new long[count];
        int pos = 0;
        for (int i = 0; i < count; i++) {
            long v = 0;
            int shift = 0;
            while (true) {
                if (pos >= bytes.length) {
                    throw new IllegalArgumentException("packed state holds fewer than " + count + " values");
                }
                byte b = bytes[pos++];
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
            }
            values[i] = (v >>> 1) ^ -(v & 1);
        }
        return values;
    }

    /** How many values a packed array holds. */
    static int count(byte[] bytes) {
        int n = 0;
        for (byte b : bytes) {
            if ((b & 0x80) == 0) {
                n++;
            }
        }
        return n;
    }
}
