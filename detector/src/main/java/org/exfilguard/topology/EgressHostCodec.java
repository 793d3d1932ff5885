package org.exfilguard.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exfilguard.detect.FreshEntry;
import org.exfilguard.detect.Watch;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.schema.state.EgressHostState;
import org.exfilguard.schema.state.FreshDestination;
import org.exfilguard.schema.state.WatchedRead;

/**
 * The compact, versioned layouts ({@link StateBytes}) of a source host's egress state, which earlier versions kept
 * as one Avro {@code EgressHostState} rewritten whole by every flow:
 *
 * <ul>
 *   <li>{@link StoreNames#EGRESS_HOSTS}: the host record, written by every accepted flow and so kept small: the
 *       outbound-byte windows ({@link ProfileCodec} bytes), how many destinations the host remembers, the boundary
 *       before which its fresh entries are settled, and the at most {@code MAX_WATCHES} watched incidents;</li>
 *   <li>{@link StoreNames#EGRESS_FRESH}: the at most {@code MAX_FRESH} destinations first used recently, an entry
 *       per key and their order apart (see {@link StoredFresh});</li>
 *   <li>{@link StoreNames#EGRESS_DESTINATIONS}: one key per (host, destination), see {@link StoredDestinations}.</li>
 * </ul>
 *
 * <p>Both records start with {@value #TAG} ('E'), then the layout version. No Avro {@code EgressHostState} starts
 * with that byte (as a varint it is a negative string length), so a host record of an earlier version is told apart
 * and read by {@link #decodeLegacy}; the caller moves it to the new layout. Layout 1 (watched reads judged when they
 * arrived, fresh entries as one sum) is read as well: its reads become watches from their last read on, its sums
 * settled; so is layout 2 (watches without the weak flag layout 3 ends each with: none of them weak).
 */
final class EgressHostCodec {

    static final int TAG = 0x45;
    static final int VERSION = 3;
    private static final long MINUTE = 60_000;

    /** The host record: everything but the destinations and the fresh list. */
    record HostRecord(String srcIp, byte[] volume, int destinations, long settledTo, List<Watch> watches) {}

    private final AvroBytes<EgressHostState> legacy = new AvroBytes<>(EgressHostState.class);
    private final StateBytes.Writer writer = new StateBytes.Writer();

    static boolean isLegacy(byte[] bytes) {
        return bytes.length == 0 || (bytes[0] & 0xFF) != TAG;
    }

    byte[] encodeHost(String srcIp, byte[] volume, int destinations, long settledTo, List<Watch> watches) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION);
        out.writeString(srcIp)
                .writeBytes(volume)
                .writeLong(destinations)
                .writeLong(settledTo)
                .writeLong(watches.size());
        for (Watch w : watches) {
            out.writeString(w.incidentId())
                    .writeString(w.account())
                    .writeString(w.table())
                    .writeLong(w.readStart())
                    .writeLong(w.signals().size());
            for (Watch.Signal s : w.signals()) {
                out.writeLong(s.checkpoint())
                        .writeLong(s.at())
                        .writeLong(s.rows())
                        .writeOptionalBytes(s.alert());
            }
            out.writeBoolean(w.closeCheckpoint() != null);
            if (w.closeCheckpoint() != null) {
                out.writeLong(w.closeCheckpoint()).writeLong(w.lastActivity());
            }
            out.writeBoolean(w.escalated()).writeLong(w.evaluatedTo()).writeBoolean(w.weak());
        }
        return out.toByteArray();
    }

    HostRecord decodeHost(byte[] bytes) {
        try {
            StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
            int version = version(in, "egress host state");
            String srcIp = in.readString();
            byte[] volume = in.readBytes();
            int destinations = in.readInt();
            if (destinations < 0) {
                throw new IllegalArgumentException("a negative destination count " + destinations);
            }
            long settledTo = version == 1 ? 0 : in.readLong();
            int n = in.readLength();
            List<Watch> watches = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                watches.add(version == 1 ? readWatchV1(in) : readWatch(in, version));
            }
            end(in, bytes, "egress host state");
            return new HostRecord(srcIp, volume, destinations, settledTo, watches);
        } catch (IllegalArgumentException e) {
            throw corrupt("egress host state", bytes, e);
        }
    }

    /** A watch of layout 2 (never weak) or 3. */
    private static Watch readWatch(StateBytes.Reader in, int version) {
        String id = in.readString();
        String account = in.readString();
        String table = in.readString();
        long readStart = in.readLong();
        int signals = in.readLength();
        List<Watch.Signal> list = new ArrayList<>(signals);
        for (int i = 0; i < signals; i++) {
            list.add(new Watch.Signal(in.readLong(), in.readLong(), in.readLong(), in.readOptionalBytes()));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("a watch of incident " + id + " without signals");
        }
        Long close = null;
        long lastActivity = 0;
        if (in.readBoolean()) {
            close = in.readLong();
            lastActivity = in.readLong();
        }
        boolean escalated = in.readBoolean();
        long evaluatedTo = in.readLong();
        boolean weak = version >= 3 && in.readBoolean();
        return new Watch(id, account, table, readStart, list, close, lastActivity, escalated, evaluatedTo, weak);
    }

    /** A watched read of layout 1: watched from the minute after its last read, as if signalled then. */
    private static Watch readWatchV1(StateBytes.Reader in) {
        String id = in.readString();
        String account = in.readString();
        String table = in.readString();
        long readStart = in.readLong();
        long lastRead = in.readLong();
        long rows = in.readLong();
        in.readLong(); // bytes last reported: reports are judged by boundary now
        boolean unusualReported = in.readBoolean();
        in.readBoolean(); // final reported: a final report now answers the read side's close
        return fromLegacy(id, account, table, readStart, lastRead, rows, unusualReported);
    }

    static Watch fromLegacy(
            String id, String account, String table, long readStart, long lastRead, long rows, boolean escalated) {
        long checkpoint = Math.floorDiv(lastRead, MINUTE) * MINUTE + MINUTE;
        return new Watch(
                id,
                account,
                table,
                readStart,
                List.of(new Watch.Signal(checkpoint, lastRead, rows, null)),
                null,
                0,
                escalated,
                checkpoint - 1);
    }

    /** More entry numbers than a fresh list can use: a larger one is corrupt state. */
    static final int MAX_FRESH_NUMBER = 1 << 16;

    /** The order of a host's fresh entries: their numbers. */
    record FreshOrder(long[] numbers) {}

    byte[] encodeFreshOrder(long[] numbers) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION).writeLong(numbers.length);
        for (long n : numbers) {
            out.writeLong(n);
        }
        return out.toByteArray();
    }

    FreshOrder decodeFreshOrder(byte[] bytes) {
        try {
            StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
            version(in, "egress fresh-destination order");
            int count = in.readLength();
            long[] numbers = new long[count];
            for (int i = 0; i < count; i++) {
                numbers[i] = in.readLong();
                if (numbers[i] < 0 || numbers[i] >= MAX_FRESH_NUMBER) {
                    throw new IllegalArgumentException(
                            "entry number " + numbers[i] + " outside 0.." + MAX_FRESH_NUMBER);
                }
            }
            end(in, bytes, "egress fresh-destination order");
            return new FreshOrder(numbers);
        } catch (IllegalArgumentException e) {
            throw corrupt("egress fresh-destination order", bytes, e);
        }
    }

    byte[] encodeFreshEntry(FreshEntry f) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION);
        long first = f.first();
        out.writeString(f.dstIp()).writeOptionalString(f.dstHost()).writeBoolean(f.dstPort() != null);
        if (f.dstPort() != null) {
            out.writeLong(f.dstPort());
        }
        // Times as gaps from first: a few bytes instead of six.
        out.writeBoolean(f.firstSeenInOrg())
                .writeLong(first)
                .writeLong(f.settledLast() - first)
                .writeLong(f.settledBytes())
                .writeLong(f.settledFlows())
                .writeLong(f.pending().size());
        long firstMinute = Math.floorDiv(first, MINUTE) * MINUTE;
        for (long[] b : f.pending()) {
            out.writeLong((b[0] - firstMinute) / MINUTE)
                    .writeLong(b[1])
                    .writeLong(b[2])
                    .writeLong(b[3] - b[0]);
        }
        return out.toByteArray();
    }

    FreshEntry decodeFreshEntry(byte[] bytes) {
        try {
            StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
            int version = version(in, "egress fresh-destination entry");
            String dst = in.readString();
            String host = in.readOptionalString();
            Integer port = in.readBoolean() ? in.readInt() : null;
            boolean firstInOrg = in.readBoolean();
            long first = in.readLong();
            long last = first + in.readLong();
            long sum = in.readLong();
            int flows = in.readInt();
            List<long[]> pending = new ArrayList<>();
            if (version > 1) {
                int n = in.readLength();
                long firstMinute = Math.floorDiv(first, MINUTE) * MINUTE;
                for (int i = 0; i < n; i++) {
                    long minute = firstMinute + in.readLong() * MINUTE;
                    long b = in.readLong();
                    long fl = in.readLong();
                    pending.add(new long[] {minute, b, fl, minute + in.readLong()});
                }
            }
            FreshEntry f =
                    new FreshEntry(dst, host, port, firstInOrg, first, sum, flows, flows == 0 ? 0 : last, pending);
            end(in, bytes, "egress fresh-destination entry");
            return f;
        } catch (IllegalArgumentException e) {
            throw corrupt("egress fresh-destination entry", bytes, e);
        }
    }

    /** A fresh entry of an earlier version's Avro state, settled. */
    static FreshEntry fromLegacy(FreshDestination f) {
        return new FreshEntry(
                f.getDstIp(),
                f.getDstHost(),
                f.getDstPort(),
                f.getFirstSeenInOrg(),
                f.getFirst().toEpochMilli(),
                f.getBytes(),
                f.getFlows(),
                f.getLast().toEpochMilli(),
                List.of());
    }

    static Watch fromLegacy(WatchedRead r) {
        return fromLegacy(
                r.getIncidentId(),
                r.getAccount(),
                r.getTable(),
                r.getReadStart().toEpochMilli(),
                r.getLastRead().toEpochMilli(),
                r.getRows(),
                r.getUnusualReported());
    }

    /** A host record of an earlier version: the Avro {@code EgressHostState}, destinations and fresh list inside. */
    EgressHostState decodeLegacy(byte[] bytes) {
        try {
            return legacy.decode(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "egress host state of " + bytes.length + " bytes is neither layout " + VERSION
                            + " nor an earlier version's Avro EgressHostState: " + e,
                    e);
        }
    }

    /** The legacy record's destinations, for moving them to their own keys. */
    static Map<String, Long> legacyDestinations(EgressHostState state) {
        Map<String, Long> out = new java.util.HashMap<>();
        state.getDestinations().forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    private static int version(StateBytes.Reader in, String what) {
        int version = in.readByte();
        if (version < 1 || version > VERSION) {
            throw new IllegalStateException(what + " has layout version " + version + "; this detector reads 1 to "
                    + VERSION + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        return version;
    }

    private static void end(StateBytes.Reader in, byte[] bytes, String what) {
        if (!in.atEnd()) {
            throw new IllegalArgumentException(
                    what + " of " + bytes.length + " bytes has bytes left after its last field");
        }
    }

    private static IllegalArgumentException corrupt(String what, byte[] bytes, IllegalArgumentException cause) {
        return new IllegalArgumentException(
                "corrupt " + what + " (" + bytes.length + " bytes, layout " + VERSION + "): " + cause.getMessage(),
                cause);
    }
}
