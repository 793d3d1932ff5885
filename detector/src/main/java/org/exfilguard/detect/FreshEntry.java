package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.List;
import org.exfilguard.profile.WindowProfile;

/**
 * A destination a host first used recently, and the bytes it sent there: up to the host's settled boundary as one
 * sum, after it by minute of event time. The correlation judges a read at a minute boundary once both sides have
 * passed it; the egress side may by then have counted later flows, and the minutes keep them apart, so that the
 * evidence at a boundary is the same whichever side was processed first.
 */
public final class FreshEntry {

    static final long MINUTE = 60_000;
    /** Minutes kept apart per entry; beyond this the oldest join the settled sum (the egress side is that far ahead). */
    static final int MAX_PENDING = 1_440;

    private final String dstIp;
    private final String dstHost;
    private final Integer dstPort;
    private final boolean firstSeenInOrg;
    private final long first;
    private long bytes;
    private int flows;
    /** Last flow in the settled sum (0 when it holds none). */
    private long last;
    /** Minute buckets after the settled boundary, ascending: {minute, bytes, flows, last}. */
    private final List<long[]> pending;

    public FreshEntry(
            String dstIp,
            String dstHost,
            Integer dstPort,
            boolean firstSeenInOrg,
            long first,
            long bytes,
            int flows,
            long last,
            List<long[]> pending) {
        this.dstIp = dstIp;
        this.dstHost = dstHost;
        this.dstPort = dstPort;
        this.firstSeenInOrg = firstSeenInOrg;
        this.first = first;
        this.bytes = bytes;
        this.flows = flows;
        this.last = last;
        this.pending = new ArrayList<>(pending);
    }

    /** A new entry for the flow that first used the destination. */
    static FreshEntry first(
            String dstIp,
            String dstHost,
            Integer dstPort,
            boolean firstSeenInOrg,
            long at,
            long bytesOut,
            long settledTo) {
        FreshEntry entry = new FreshEntry(dstIp, dstHost, dstPort, firstSeenInOrg, at, 0, 0, 0, List.of());
        entry.add(at, bytesOut, settledTo);
        return entry;
    }

    /** Counts a flow: in its minute, or in the settled sum when it is older than the boundary (a late flow). */
    void add(long at, long bytesOut, long settledTo) {
        if (at < settledTo) {
            bytes = WindowProfile.saturatedAdd(bytes, bytesOut);
            flows++;
            last = Math.max(last, at);
            return;
        }
        long minute = Math.floorDiv(at, MINUTE) * MINUTE;
        int i = pending.size() - 1;
        while (i >= 0 && pending.get(i)[0] > minute) {
            i--;
        }
        if (i >= 0 && pending.get(i)[0] == minute) {
            long[] b = pending.get(i);
            b[1] = WindowProfile.saturatedAdd(b[1], bytesOut);
            b[2]++;
            b[3] = Math.max(b[3], at);
        } else {
            pending.add(i + 1, new long[] {minute, bytesOut, 1, at});
            if (pending.size() > MAX_PENDING) {
                fold(pending.remove(0));
            }
        }
    }

    /** Moves the minutes before {@code to} (a minute boundary) into the settled sum. */
    /** Whether {@link #settle} to {@code to} would fold a minute: the entry grew before that boundary. */
    boolean hasMinuteBefore(long to) {
        return !pending.isEmpty() && pending.get(0)[0] < to;
    }

    /** The first minute kept apart from the settled sum, or {@link Long#MAX_VALUE} when none is. */
    long firstPending() {
        return pending.isEmpty() ? Long.MAX_VALUE : pending.get(0)[0];
    }

    boolean settle(long to) {
        boolean changed = false;
        while (!pending.isEmpty() && pending.get(0)[0] < to) {
            fold(pending.remove(0));
            changed = true;
        }
        return changed;
    }

    private void fold(long[] b) {
        bytes = WindowProfile.saturatedAdd(bytes, b[1]);
        flows += (int) b[2];
        last = Math.max(last, b[3]);
    }

    /** Bytes of the flows before {@code c}, a minute boundary at or after the settled boundary. */
    long bytesBefore(long c) {
        long sum = bytes;
        for (long[] b : pending) {
            if (b[0] >= c) {
                break;
            }
            sum = WindowProfile.saturatedAdd(sum, b[1]);
        }
        return sum;
    }

    int flowsBefore(long c) {
        int sum = flows;
        for (long[] b : pending) {
            if (b[0] >= c) {
                break;
            }
            sum += (int) b[2];
        }
        return sum;
    }

    /** The last flow before {@code c} (0 if none). */
    long lastBefore(long c) {
        long max = flows > 0 ? last : 0;
        for (long[] b : pending) {
            if (b[0] >= c) {
                break;
            }
            max = Math.max(max, b[3]);
        }
        return max;
    }

    /** The minute boundaries at which this entry's evidence grows, after {@code after} and up to {@code to}. */
    void growthPoints(long after, long to, java.util.Collection<Long> into) {
        for (long[] b : pending) {
            long end = b[0] + MINUTE;
            if (end > after && end <= to) {
                into.add(end);
            }
        }
    }

    /** The last flow of any minute: what expiry and eviction go by. */
    public long lastUsed() {
        long max = last;
        for (long[] b : pending) {
            max = Math.max(max, b[3]);
        }
        return Math.max(max, first);
    }

    public String dstIp() {
        return dstIp;
    }

    public String dstHost() {
        return dstHost;
    }

    public Integer dstPort() {
        return dstPort;
    }

    public boolean firstSeenInOrg() {
        return firstSeenInOrg;
    }

    public long first() {
        return first;
    }

    public long settledBytes() {
        return bytes;
    }

    public int settledFlows() {
        return flows;
    }

    public long settledLast() {
        return last;
    }

    /** The minute buckets, {minute, bytes, flows, last} each (for the codec; not to be changed). */
    public List<long[]> pending() {
        return pending;
    }
}
