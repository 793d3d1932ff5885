package org.exfilguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The compact binary layout of profile state: zig-zag varints, length-prefixed UTF-8 strings and byte arrays.
 * A {@link Writer} is reused from record to record (the profile is written on every event); a {@link Reader}
 * reads one record and says clearly where it ends early.
 */
final class StateBytes {

    private StateBytes() {}

    static final class Writer {

        private byte[] buffer = new byte[1024];
        private int size;

        Writer reset() {
            size = 0;
            return this;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }

        Writer writeByte(int value) {
            ensure(1);
            buffer[size++] = (byte) value;
            return this;
        }

        Writer writeBoolean(boolean value) {
            return writeByte(value ? 1 : 0);
        }

        Writer writeLong(long value) {
            ensure(10);
            long v = (value << 1) ^ (value >> 63);
            while ((v & ~0x7FL) != 0) {
                buffer[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[size++] = (byte) v;
            return this;
        }

        Writer writeDouble(double value) {
            ensure(8);
            long bits = Double.doubleToRawLongBits(value);
            for (int i = 0; i < 8; i++) {
                buffer[size++] = (byte) (bits >>> (8 * i));
            }
            return this;
        }

        Writer writeString(String value) {
            return writeBytes(value.getBytes(StandardCharsets.UTF_8));
        }

        /** A string that may be absent. */
        Writer writeOptionalString(String value) {
            writeBoolean(value != null);
            return value == null ? this : writeString(value);
        }

        Writer writeBytes(byte[] value) {
            writeLong(value.length);
            ensure(value.length);
            System.arraycopy(value, 0, buffer, size, value.length);
            size += value.length;
            return this;
        }

        Writer writeOptionalBytes(byte[] value) {
            writeBoolean(value != null);
            return value == null ? this : writeBytes(value);
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }
    }

    static final class Reader {

        private final byte[] bytes;
        private int pos;

        Reader(byte[] bytes, int offset) {
            this.bytes = bytes;
            this.pos = offset;
        }

        int readByte() {
            need(1);
            return bytes[pos++] & 0xFF;
        }

        boolean readBoolean() {
            return readByte() != 0;
        }

        long readLong() {
            long v = 0;
            int shift = 0;
            while (true) {
                need(1);
                byte b = bytes[pos++];
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
                shift += 7;
                if (shift > 63) {
                    throw new IllegalArgumentException("profile state: varint longer than 10 bytes at offset " + pos);
                }
            }
            return (v >>> 1) ^ -(v & 1);
        }

        int readInt() {
            long v = readLong();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("profile state: " + v + " is out of int range at offset " + pos);
            }
            return (int) v;
        }

        /** A count or length: not negative and not beyond what the record can still hold. */
        int readLength() {
            int n = readInt();
            if (n < 0 || n > bytes.length - pos) {
                throw new IllegalArgumentException("profile state: length " + n + " at offset " + pos
                        + " does not fit in " + bytes.length + " bytes");
            }
            return n;
        }

        double readDouble() {
            need(8);
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (bytes[pos++] & 0xFFL) << (8 * i);
            }
            return Double.longBitsToDouble(bits);
        }

        String readString() {
            int n = readLength();
            String s = new String(bytes, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        String readOptionalString() {
            return readBoolean() ? readString() : null;
        }

        byte[] readBytes() {
            int n = readLength();
            byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
            pos += n;
            return out;
        }

        byte[] readOptionalBytes() {
            return readBoolean() ? readBytes() : null;
        }

        boolean atEnd() {
            return pos == bytes.length;
        }

        private void need(int n) {
            if (pos + n > bytes.length) {
                throw new IllegalArgumentException("profile state ends early at offset " + pos + " of " + bytes.length);
            }
        }
    }
}
