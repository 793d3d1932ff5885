package org.exfilguard.topology;

/**
 * The read side's note that a weak read of (account, table) is being watched, in {@link StoreNames#INCIDENT_EGRESS}
 * under {@link #key}: no second weak watch of the scope starts within the egress horizon of this one, and the note
 * goes when its final report arrives. A weak read that keeps growing within the horizon is signalled again under the
 * same incident (at most once per quarter of growth), so its record says what was read by the time the egress
 * followed. Compact and versioned ({@link StateBytes}, tag 'W').
 *
 * @param at         the event time (millis) of the weak read last signalled
 * @param incidentId its candidate's incident id
 * @param rows       the window's sum last signalled: the read is signalled again when it has grown by a quarter
 */
record WeakMark(long at, String incidentId, long rows) {

    static final int TAG = 0x57;
    static final int VERSION = 1;
    private static final String PREFIX = "weak|";

    /** Never an incident id (those start with "inc-"). */
    static String key(String account, String scope) {
        return PREFIX + account + '|' + scope;
    }

    byte[] encode() {
        return new StateBytes.Writer()
                .writeByte(TAG)
                .writeByte(VERSION)
                .writeLong(at)
                .writeString(incidentId)
                .writeLong(rows)
                .toByteArray();
    }

    static WeakMark decode(byte[] bytes) {
        if (bytes.length < 2 || (bytes[0] & 0xFF) != TAG) {
            throw new IllegalArgumentException("corrupt weak-read mark (" + bytes.length + " bytes): no tag");
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException("weak-read mark has layout version " + version + "; this detector reads "
                    + VERSION + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        WeakMark mark = new WeakMark(in.readLong(), in.readString(), in.readLong());
        if (!in.atEnd()) {
            throw new IllegalArgumentException(
                    "corrupt weak-read mark (" + bytes.length + " bytes): bytes left after its last field");
        }
        return mark;
    }
}
