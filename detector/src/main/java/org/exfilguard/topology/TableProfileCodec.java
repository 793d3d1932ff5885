package org.exfilguard.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.profile.TableProfile;

/**
 * The stored layout of a table's profile (tag byte 3, layout version 1) and of a table's pending minute (tag 4,
 * version 1: rows by account). A profile stored with other windows or another history length than configured keeps
 * its recent reads and its incident and learns its times of week again.
 */
final class TableProfileCodec {

    static final int TAG = 3;
    static final int PENDING_TAG = 4;
    static final int VERSION = 1;

    private final TableSettings settings;
    private final StateBytes.Writer writer = new StateBytes.Writer();

    TableProfileCodec(TableSettings settings) {
        this.settings = settings;
    }

    byte[] encode(TableProfile p) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION);
        out.writeString(p.table())
                .writeLong(p.hour())
                .writeLong(p.windowCount())
                .writeLong(p.historyCapacity());
        for (int w = 0; w < p.windowCount(); w++) {
            out.writeString(settings.windows().get(w).name()).writeLong(p.hourPeak(w));
            for (int h = 0; h < TableProfile.SLOTS; h++) {
                long[] history = p.history(w, h);
                out.writeLong(history.length);
                for (long v : history) {
                    out.writeLong(v);
                }
            }
        }
        out.writeLong(p.recent().size());
        for (Map.Entry<Long, Map<String, Long>> e : p.recent().entrySet()) {
            out.writeLong(e.getKey());
            writeRows(out, e.getValue());
        }
        TableProfile.TableIncident i = p.incident();
        out.writeBoolean(i != null);
        if (i != null) {
            out.writeString(i.incidentId())
                    .writeLong(i.openedMinute())
                    .writeLong(i.firstSeenMillis())
                    .writeLong(i.lastAlertingMinute())
                    .writeLong(i.lastAlertMillis())
                    .writeLong(i.alerts())
                    .writeDouble(i.lastScore())
                    .writeBytes(i.lastAlert());
        }
        return out.toByteArray();
    }

    TableProfile decode(byte[] bytes) {
        StateBytes.Reader in = reader(bytes, TAG, "table profile");
        String table = in.readString();
        long hour = in.readLong();
        int windows = in.readLength();
        int capacity = in.readLength();
        boolean same = windows == settings.windows().size() && capacity == settings.historyDays();
        int configured = settings.windows().size();
        long[][][] peaks = new long[configured][TableProfile.SLOTS][settings.historyDays()];
        int[][] sizes = new int[configured][TableProfile.SLOTS];
        long[] hourPeak = new long[configured];
        for (int w = 0; w < windows; w++) {
            String name = in.readString();
            boolean keep = same && settings.windows().get(w).name().equals(name);
            long peak = in.readLong();
            if (keep) {
                hourPeak[w] = peak;
            }
            for (int h = 0; h < TableProfile.SLOTS; h++) {
                int n = in.readLength();
                if (n > capacity) {
                    throw new IllegalArgumentException("table profile: " + n + " peaks in a history of " + capacity);
                }
                for (int k = 0; k < n; k++) {
                    long v = in.readLong();
                    if (keep) {
                        peaks[w][h][k] = v;
                    }
                }
                if (keep) {
                    sizes[w][h] = n;
                }
            }
        }
        NavigableMap<Long, Map<String, Long>> recent = new TreeMap<>();
        int minutes = in.readLength();
        for (int m = 0; m < minutes; m++) {
            long minute = in.readLong();
            recent.put(minute, readRows(in));
        }
        TableProfile.TableIncident incident = null;
        if (in.readBoolean()) {
            incident = new TableProfile.TableIncident(
                    in.readString(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readInt(),
                    in.readDouble(),
                    in.readBytes());
        }
        return new TableProfile(table, settings.zone(), recent, peaks, sizes, hourPeak, hour, incident);
    }

    byte[] encodePending(Map<String, Long> rows) {
        StateBytes.Writer out = writer.reset().writeByte(PENDING_TAG).writeByte(VERSION);
        writeRows(out, rows);
        return out.toByteArray();
    }

    Map<String, Long> decodePending(byte[] bytes) {
        return readRows(reader(bytes, PENDING_TAG, "pending table minute"));
    }

    private static StateBytes.Reader reader(byte[] bytes, int tag, String what) {
        if (bytes == null || bytes.length < 2 || bytes[0] != tag) {
            throw new IllegalArgumentException(what + ": not in the table layout");
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException(what + " has layout version " + version + "; this detector reads " + VERSION
                    + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        return in;
    }

    private static void writeRows(StateBytes.Writer out, Map<String, Long> rows) {
        out.writeLong(rows.size());
        // Sorted, so the same state always has the same bytes (a map kept sorted is not copied).
        Map<String, Long> sorted =
                rows instanceof TreeMap<String, Long> t && t.comparator() == null ? t : new TreeMap<>(rows);
        sorted.forEach((account, n) -> out.writeString(account).writeLong(n));
    }

    private static Map<String, Long> readRows(StateBytes.Reader in) {
        int n = in.readLength();
        Map<String, Long> rows = new HashMap<>();
        for (int i = 0; i < n; i++) {
            rows.put(in.readString(), in.readLong());
        }
        return rows;
    }
}
