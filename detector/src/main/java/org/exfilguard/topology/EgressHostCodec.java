package org.exfilguard.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *       outbound-byte windows ({@link ProfileCodec} bytes), how many destinations the host remembers, and the at most
 *       {@code MAX_READS} watched reads;</li>
 *   <li>{@link StoreNames#EGRESS_FRESH}: the at most {@code MAX_FRESH} destinations first used recently, an entry
 *       per key and their order apart (see {@link StoredFresh});</li>
 *   <li>{@link StoreNames#EGRESS_DESTINATIONS}: one key per (host, destination), see {@link StoredDestinations}.</li>
 * </ul>
 *
 * <p>Both records start with {@value #TAG} ('E'), then the layout version. No Avro {@code EgressHostState} starts
 * with that byte (as a varint it is a negative string length), so a host record of an earlier version is told apart
 * and read by {@link #decodeLegacy}; the caller moves it to the new layout.
 */
final class EgressHostCodec {

    static final int TAG = 0x45;
    static final int VERSION = 1;

    /** The host record: everything but the destinations and the fresh list. */
    record HostRecord(String srcIp, byte[] volume, int destinations, List<WatchedRead> reads) {
    }

    private final AvroBytes<EgressHostState> legacy = new AvroBytes<>(EgressHostState.class);
    private final StateBytes.Writer writer = new StateBytes.Writer();

    static boolean isLegacy(byte[] bytes) {
        return bytes.length == 0 || (bytes[0] & 0xFF) != TAG;
    }

    byte[] encodeHost(String srcIp, byte[] volume, int destinations, List<WatchedRead> reads) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION);
        out.writeString(srcIp).writeBytes(volume).writeLong(destinations).writeLong(reads.size());
        for (WatchedRead r : reads) {
            out.writeString(r.getIncidentId()).writeString(r.getAccount()).writeString(r.getTable())
                    .writeLong(r.getReadStart().toEpochMilli()).writeLong(r.getLastRead().toEpochMilli()).writeLong(r.getRows())
                    .writeLong(r.getReportedBytes()).writeBoolean(r.getUnusualReported()).writeBoolean(r.getFinalReported());
        }
        return out.toByteArray();
    }

    HostRecord decodeHost(byte[] bytes) {
        try {
            StateBytes.Reader in = reader(bytes, "egress host state");
            String srcIp = in.readString();
            byte[] volume = in.readBytes();
            int destinations = in.readInt();
            if (destinations < 0) {
                throw new IllegalArgumentException("a negative destination count " + destinations);
            }
            int n = in.readLength();
            List<WatchedRead> reads = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                reads.add(WatchedRead.newBuilder().setIncidentId(in.readString()).setAccount(in.readString())
                        .setTable(in.readString()).setReadStart(Instant.ofEpochMilli(in.readLong()))
                        .setLastRead(Instant.ofEpochMilli(in.readLong())).setRows(in.readLong()).setReportedBytes(in.readLong())
                        .setUnusualReported(in.readBoolean()).setFinalReported(in.readBoolean()).build());
            }
            end(in, bytes, "egress host state");
            return new HostRecord(srcIp, volume, destinations, reads);
        } catch (IllegalArgumentException e) {
            throw corrupt("egress host state", bytes, e);
        }
    }

    /** More entry numbers than a fresh list can use: a larger one is corrupt state. */
    static final int MAX_FRESH_NUMBER = 1 << 16;

    /** The order of a host's fresh entries: their numbers. */
    record FreshOrder(long[] numbers) {
    }

    byte[] encodeFreshOrder(long[] numbers) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION).writeLong(numbers.length);
        for (long n : numbers) {
            out.writeLong(n);
        }
        return out.toByteArray();
    }

    FreshOrder decodeFreshOrder(byte[] bytes) {
        try {
            StateBytes.Reader in = reader(bytes, "egress fresh-destination order");
            int count = in.readLength();
            long[] numbers = new long[count];
            for (int i = 0; i < count; i++) {
                numbers[i] = in.readLong();
                if (numbers[i] < 0 || numbers[i] >= MAX_FRESH_NUMBER) {
                    throw new IllegalArgumentException("entry number " + numbers[i] + " outside 0.." + MAX_FRESH_NUMBER);
                }
            }
            end(in, bytes, "egress fresh-destination order");
            return new FreshOrder(numbers);
        } catch (IllegalArgumentException e) {
            throw corrupt("egress fresh-destination order", bytes, e);
        }
    }

    byte[] encodeFreshEntry(FreshDestination f) {
        StateBytes.Writer out = writer.reset().writeByte(TAG).writeByte(VERSION);
        long first = f.getFirst().toEpochMilli();
        out.writeString(f.getDstIp()).writeOptionalString(f.getDstHost()).writeBoolean(f.getDstPort() != null);
        if (f.getDstPort() != null) {
            out.writeLong(f.getDstPort());
        }
        // Last as a gap from first: a few bytes instead of six.
        out.writeBoolean(f.getFirstSeenInOrg()).writeLong(first).writeLong(f.getLast().toEpochMilli() - first)
                .writeLong(f.getBytes()).writeLong(f.getFlows());
        return out.toByteArray();
    }

    FreshDestination decodeFreshEntry(byte[] bytes) {
        try {
            StateBytes.Reader in = reader(bytes, "egress fresh-destination entry");
            String dst = in.readString();
            String host = in.readOptionalString();
            Integer port = in.readBoolean() ? in.readInt() : null;
            boolean firstInOrg = in.readBoolean();
            long first = in.readLong();
            long last = first + in.readLong();
            FreshDestination f = FreshDestination.newBuilder().setDstIp(dst).setDstHost(host).setDstPort(port)
                    .setFirstSeenInOrg(firstInOrg).setFirst(Instant.ofEpochMilli(first)).setLast(Instant.ofEpochMilli(last))
                    .setBytes(in.readLong()).setFlows(in.readInt()).build();
            end(in, bytes, "egress fresh-destination entry");
            return f;
        } catch (IllegalArgumentException e) {
            throw corrupt("egress fresh-destination entry", bytes, e);
        }
    }

    /** A host record of an earlier version: the Avro {@code EgressHostState}, destinations and fresh list inside. */
    EgressHostState decodeLegacy(byte[] bytes) {
        try {
            return legacy.decode(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("egress host state of " + bytes.length + " bytes is neither layout "
                    + VERSION + " nor an earlier version's Avro EgressHostState: " + e, e);
        }
    }

    /** The legacy record's destinations, for moving them to their own keys. */
    static Map<String, Long> legacyDestinations(EgressHostState state) {
        Map<String, Long> out = new java.util.HashMap<>();
        state.getDestinations().forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    private static StateBytes.Reader reader(byte[] bytes, String what) {
        StateBytes.Reader in = new StateBytes.Reader(bytes, 1);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException(what + " has layout version " + version + "; this detector reads " + VERSION
                    + " (state written by a newer version: roll back the upgrade, or reset the application)");
        }
        return in;
    }

    private static void end(StateBytes.Reader in, byte[] bytes, String what) {
        if (!in.atEnd()) {
            throw new IllegalArgumentException(what + " of " + bytes.length + " bytes has bytes left after its last field");
        }
    }

    private static IllegalArgumentException corrupt(String what, byte[] bytes, IllegalArgumentException cause) {
        return new IllegalArgumentException("corrupt " + what + " (" + bytes.length + " bytes, layout " + VERSION + "): "
                + cause.getMessage(), cause);
    }
}
