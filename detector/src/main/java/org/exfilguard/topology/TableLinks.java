package org.exfilguard.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * What the read side keeps, in {@link StoreNames#INCIDENT_EGRESS}, to link an account's incident on a table to the
 * TABLE_SURGE incidents of that table that named the account: the links the table profile sent (under
 * {@link #linksKey}), how far the table profile has decided each table ({@link #decidedKey}), and the CLOSED records
 * held until it has decided their table through their close ({@link #heldKey}). None of these keys is an incident id
 * (those start with "inc-") or a weak-read mark ("weak|").
 *
 * <p>The links of one (account, table): each TABLE_SURGE record that named the account, as (incident id, end of
 * its window), oldest first, kept for {@link #RETENTION_MILLIS} after the newest. Compact and versioned
 * ({@link StateBytes}, tag 'L').
 */
record TableLinks(List<Link> links) {

    /** One TABLE_SURGE record that named the account: its incident, and the end of its window (epoch millis). */
    record Link(String tableIncidentId, long at) {}

    static final int TAG = 0x4C;
    static final int VERSION = 1;
    /**
     * Links older than this before the newest are dropped: an account incident open longer than a week links only
     * to the table incidents of its last week.
     */
    static final long RETENTION_MILLIS = 7L * 24 * 60 * 60 * 1000;

    private static final String LINKS = "table-link|";
    private static final String DECIDED = "table-decided|";
    private static final String HELD = "table-held|";

    TableLinks {
        links = List.copyOf(links);
    }

    static TableLinks none() {
        return new TableLinks(List.of());
    }

    static String linksKey(String account, String table) {
        return LINKS + account + '|' + table;
    }

    static String decidedKey(String table) {
        return DECIDED + table;
    }

    /** Held closes sort by table, then close time (fixed-width hex of non-negative millis), then incident id. */
    static String heldKey(String table, long closedAt, String incidentId) {
        return heldPrefix(table) + String.format("%016x", Math.max(0, closedAt)) + '|' + incidentId;
    }

    static String heldPrefix(String table) {
        return HELD + table + '|';
    }

    /** The last held key of {@code table} closed at or before {@code through}. */
    static String heldUpTo(String table, long through) {
        return heldPrefix(table) + String.format("%016x", Math.max(0, through)) + "|\uffff";
    }

    /** With the record at {@code at} of {@code tableIncidentId}: once only, links a week older than it dropped. */
    TableLinks with(String tableIncidentId, long at) {
        Link link = new Link(tableIncidentId, at);
        if (links.contains(link)) {
            return this;
        }
        List<Link> kept = new ArrayList<>();
        long newest = Math.max(at, links.stream().mapToLong(Link::at).max().orElse(at));
        for (Link l : links) {
            if (l.at() >= newest - RETENTION_MILLIS) {
                kept.add(l);
            }
        }
        if (at >= newest - RETENTION_MILLIS) {
            kept.add(link);
        }
        kept.sort(java.util.Comparator.comparingLong(Link::at).thenComparing(Link::tableIncidentId));
        return new TableLinks(kept);
    }

    /**
     * The table incidents still open at some time in [{@code from}, {@code to}] by a record that named the account
     * (oldest first, each once): its window ended by {@code to}, and at most {@code openFor} before {@code from} (a
     * table incident stays open at least its quiet period after its last record). Only records up to {@code to}
     * count, so the answer is the same whenever later links arrive.
     */
    List<String> openWithin(long from, long to, long openFor) {
        List<String> ids = new ArrayList<>();
        for (Link l : links) {
            if (l.at() <= to && l.at() >= from - openFor && !ids.contains(l.tableIncidentId())) {
                ids.add(l.tableIncidentId());
            }
        }
        return ids;
    }

    byte[] encode() {
        StateBytes.Writer out =
                new StateBytes.Writer().writeByte(TAG).writeByte(VERSION).writeLong(links.size());
        for (Link l : links) {
            out.writeString(l.tableIncidentId()).writeLong(l.at());
        }
        return out.toByteArray();
    }

    static TableLinks decode(byte[] bytes) {
        if (bytes.length < 2 || (bytes[0] & 0xFF) != TAG) {
            throw new IllegalArgumentException("corrupt table links (" + bytes.length + " bytes): no tag");
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException("table links have layout version " + version + "; this detector reads "
                    + VERSION + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        int n = in.readLength();
        List<Link> links = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            links.add(new Link(in.readString(), in.readLong()));
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException(
                    "corrupt table links (" + bytes.length + " bytes): bytes left after its last field");
        }
        return new TableLinks(links);
    }

    /** The decided-through time of a table, as stored under {@link #decidedKey}. */
    static byte[] encodeDecided(long through) {
        return new StateBytes.Writer()
                .writeByte(TAG)
                .writeByte(VERSION)
                .writeLong(through)
                .toByteArray();
    }

    static long decodeDecided(byte[] bytes) {
        if (bytes.length < 2 || (bytes[0] & 0xFF) != TAG) {
            throw new IllegalArgumentException("corrupt table decided mark (" + bytes.length + " bytes): no tag");
        }
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException("table decided mark has layout version " + version
                    + "; this detector reads " + VERSION
                    + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        return in.readLong();
    }
}
