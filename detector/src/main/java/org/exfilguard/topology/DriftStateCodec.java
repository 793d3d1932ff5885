package org.exfilguard.topology;

import org.exfilguard.detect.DriftState;

/**
 * The drift detector's state in {@link StoreNames#DRIFT_STATE}, keyed like the read profiles by account + '\0' +
 * scope. Compact and versioned ({@link StateBytes}, tag 'D'): the closed days' totals are varints, about 60 bytes
 * for four weeks of an analyst's history. Its own store and layout, apart from the profiles', so either evolves alone.
 */
final class DriftStateCodec {

    static final int TAG = 0x44;
    static final int VERSION = 1;

    private final StateBytes.Writer writer = new StateBytes.Writer();

    byte[] encode(DriftState s) {
        long[] history = s.history();
        StateBytes.Writer out = writer.reset()
                .writeByte(TAG)
                .writeByte(VERSION)
                .writeLong(s.day())
                .writeLong(s.dayRows())
                .writeLong(s.hours())
                .writeLong(s.dayFirstRead())
                .writeLong(history.length);
        for (long rows : history) {
            out.writeLong(rows);
        }
        out.writeDouble(s.cusum())
                .writeLong(s.runStart())
                .writeLong(s.runRows())
                .writeLong(s.runDays())
                .writeLong(s.idleDays())
                .writeOptionalString(s.incidentId())
                .writeLong(s.openedAt())
                .writeLong(s.tableDrifts());
        return out.toByteArray();
    }

    static DriftState decode(byte[] bytes) {
        if (bytes.length < 2 || (bytes[0] & 0xFF) != TAG) {
            throw new IllegalArgumentException("corrupt drift state (" + bytes.length + " bytes): no tag");
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException("drift state has layout version " + version + "; this detector reads "
                    + VERSION + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        long day = in.readLong();
        long dayRows = in.readLong();
        int hours = in.readInt();
        long dayFirstRead = in.readLong();
        int n = in.readLength();
        long[] history = new long[n];
        for (int i = 0; i < n; i++) {
            history[i] = in.readLong();
        }
        DriftState state = DriftState.of(
                day,
                dayRows,
                hours,
                dayFirstRead,
                history,
                in.readDouble(),
                in.readLong(),
                in.readLong(),
                in.readInt(),
                in.readInt(),
                in.readOptionalString(),
                in.readLong(),
                in.readInt());
        if (!in.atEnd()) {
            throw new IllegalArgumentException(
                    "corrupt drift state (" + bytes.length + " bytes): bytes left after its last field");
        }
        return state;
    }
}
