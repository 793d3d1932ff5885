package org.exfilguard.detect;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.ReadSignal;

/**
 * What the read side tells the egress side, keyed by client ip: watch the hosts that read for an incident (from a
 * checkpoint on, with the record in force), the incident closed, or (to every partition) how far its reads have come.
 */
public final class ReadSignals {

    /** Client ips of an incident whose egress is watched. */
    public static final int WATCHED_IPS = 3;

    private ReadSignals() {}

    /** The hosts an incident's record asks to watch: its first few client ips. */
    public static List<String> watched(ExfiltrationAlert alert) {
        return alert.getClientIps()
                .subList(0, Math.min(WATCHED_IPS, alert.getClientIps().size()));
    }

    /** A read-driven record ({@code encoded}: its bytes) to watch from boundary {@code checkpoint}, for one host. */
    public static ReadSignal watch(ExfiltrationAlert alert, String ip, long checkpoint, byte[] encoded) {
        return ReadSignal.newBuilder()
                .setClientIp(ip)
                .setAccount(alert.getAccount())
                .setAt(alert.getDetectedAt())
                .setIncidentId(alert.getIncidentId())
                .setTable(alert.getTable())
                .setReadStart(alert.getFirstSeen())
                .setRows(alert.getObservedRows())
                .setBytes(alert.getObservedBytes() == null ? 0 : alert.getObservedBytes())
                .setCheckpoint(Instant.ofEpochMilli(checkpoint))
                .setAlert(ByteBuffer.wrap(encoded))
                .build();
    }

    /**
     * A weak read's candidate record ({@code encoded}: its bytes) to watch from boundary {@code checkpoint} on its host
     * until the horizon after the read; it becomes an incident only if the egress is unusual.
     */
    public static ReadSignal weakWatch(ExfiltrationAlert candidate, String ip, long checkpoint, byte[] encoded) {
        return ReadSignal.newBuilder(watch(candidate, ip, checkpoint, encoded))
                .setWeak(true)
                .setLastActivity(candidate.getDetectedAt())
                .build();
    }

    /** The incident's close, its last read at {@code lastActivity}: the host is to send its final report. */
    public static ReadSignal closing(ExfiltrationAlert closed, String ip, Instant lastActivity, long checkpoint) {
        return ReadSignal.newBuilder()
                .setClientIp(ip)
                .setAccount(closed.getAccount())
                .setAt(lastActivity)
                .setIncidentId(closed.getIncidentId())
                .setTable(closed.getTable())
                .setReadStart(closed.getFirstSeen())
                .setRows(closed.getObservedRows())
                .setCheckpoint(Instant.ofEpochMilli(checkpoint))
                .setClosing(true)
                .setLastActivity(lastActivity)
                .build();
    }

    /**
     * Read task {@code source} of {@code sources} sends no later signal with a checkpoint at or before {@code mark}
     * ({@code idle}: it has had no reads for a while, leave it out).
     */
    public static ReadSignal watermark(long mark, long clock, int source, int sources, boolean idle) {
        return ReadSignal.newBuilder()
                .setClientIp("")
                .setAccount("")
                .setAt(Instant.ofEpochMilli(Math.max(0, clock)))
                .setWatermark(Instant.ofEpochMilli(mark))
                .setSource(source)
                .setSources(sources)
                .setIdle(idle)
                .build();
    }
}
