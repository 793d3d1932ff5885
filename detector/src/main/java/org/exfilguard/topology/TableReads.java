package org.exfilguard.topology;

/**
 * The records of the {@code exfil-table-reads} topic, keyed by sensitive table, in a compact versioned layout
 * (tag byte 2, layout version 1): a read's account, rows and event minute, or a read task's watermark (every later
 * read of that task has a minute at or after it), which goes to every partition.
 */
final class TableReads {

    static final int TAG = 2;
    static final int VERSION = 1;
    private static final int READ = 0;
    private static final int WATERMARK = 1;

    /** One of the two records. */
    sealed interface Value permits Read, Watermark {}

    /** A read of the table by {@code account}, in epoch minute {@code minute}. */
    record Read(String account, long rows, long minute) implements Value {}

    /**
     * Read task {@code source} will send no read before epoch minute {@code minute} ({@link Long#MAX_VALUE}: no more
     * reads); {@code idle}: it has had no input for a while (a live run), and is not waited for.
     */
    record Watermark(int source, long minute, boolean idle) implements Value {}

    private TableReads() {}

    static byte[] encode(Value value) {
        StateBytes.Writer out = new StateBytes.Writer().writeByte(TAG).writeByte(VERSION);
        if (value instanceof Read r) {
            out.writeByte(READ).writeString(r.account()).writeLong(r.rows()).writeLong(r.minute());
        } else if (value instanceof Watermark w) {
            out.writeByte(WATERMARK).writeLong(w.source()).writeLong(w.minute()).writeBoolean(w.idle());
        }
        return out.toByteArray();
    }

    static Value decode(byte[] bytes) {
        if (bytes == null || bytes.length < 3 || bytes[0] != TAG) {
            throw new IllegalArgumentException("not a table-reads record");
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException(
                    "table-reads record has layout version " + version + "; this detector reads " + VERSION
                            + " (written by a newer version: roll back the upgrade, or reset the application)");
        }
        int kind = in.readByte();
        return switch (kind) {
            case READ -> new Read(in.readString(), in.readLong(), in.readLong());
            case WATERMARK -> new Watermark(in.readInt(), in.readLong(), in.readBoolean());
            default -> throw new IllegalArgumentException("table-reads record of unknown kind " + kind);
        };
    }

    static boolean isWatermark(byte[] bytes) {
        return bytes != null && bytes.length > 2 && bytes[0] == TAG && bytes[2] == WATERMARK;
    }
}
