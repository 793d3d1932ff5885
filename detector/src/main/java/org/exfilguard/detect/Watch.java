package org.exfilguard.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * A bulk-read incident whose egress from one host is watched: what the read side said of it and when, in event
 * time. Each signal has a checkpoint, a minute boundary after the read that the read side had not yet passed when it
 * sent it; the egress side judges the watch at a boundary only once the read side has passed it too, so it knows
 * every signal up to there.
 *
 * @param signals    the read side's records of the incident, in checkpoint order: at most {@link #MAX_SIGNALS}
 * @param closeCheckpoint the checkpoint of the closing signal, or null while the incident is open
 * @param lastActivity    the incident's last read above threshold when it closed (0 while open)
 * @param escalated       an escalation was sent
 * @param evaluatedTo     the boundary up to which the watch was judged
 * @param weak            a weak read's watch: closed from its first signal, its record published only if the egress
 *                        is unusual (see {@link WeakReadSettings})
 */
public record Watch(
        String incidentId,
        String account,
        String table,
        long readStart,
        List<Signal> signals,
        Long closeCheckpoint,
        long lastActivity,
        boolean escalated,
        long evaluatedTo,
        boolean weak) {

    static final int MAX_SIGNALS = 8;

    /**
     * One record of the incident: the checkpoint from which it applies, the read it reported, and the record
     * itself (Avro bytes of the alert, so an escalation repeats what the read side published).
     */
    public record Signal(long checkpoint, long at, long rows, byte[] alert) {}

    public Watch {
        signals = List.copyOf(signals);
    }

    /** A watch of a bulk-read incident (not weak). */
    public Watch(
            String incidentId,
            String account,
            String table,
            long readStart,
            List<Signal> signals,
            Long closeCheckpoint,
            long lastActivity,
            boolean escalated,
            long evaluatedTo) {
        this(
                incidentId,
                account,
                table,
                readStart,
                signals,
                closeCheckpoint,
                lastActivity,
                escalated,
                evaluatedTo,
                false);
    }

    static Watch open(String incidentId, String account, String table, long readStart, Signal first) {
        return new Watch(incidentId, account, table, readStart, List.of(first), null, 0, false, first.checkpoint() - 1);
    }

    /** A weak read's watch: closed at once, its last activity the read, judged until the horizon after it. */
    static Watch weak(String incidentId, String account, String table, long readStart, Signal first) {
        return new Watch(
                incidentId,
                account,
                table,
                readStart,
                List.of(first),
                first.checkpoint(),
                first.at(),
                false,
                first.checkpoint() - 1,
                true);
    }

    Watch withSignal(Signal signal) {
        List<Signal> next = new ArrayList<>(signals);
        int i = next.size();
        while (i > 0 && next.get(i - 1).checkpoint() > signal.checkpoint()) {
            i--;
        }
        next.add(i, signal);
        if (next.size() > MAX_SIGNALS) {
            // The oldest but the first go: the first starts the watch, the latest say what it is now.
            next.remove(1);
        }
        return new Watch(
                incidentId,
                account,
                table,
                readStart,
                next,
                closeCheckpoint,
                lastActivity,
                escalated,
                evaluatedTo,
                weak);
    }

    Watch closing(long checkpoint, long lastActivity) {
        return new Watch(
                incidentId, account, table, readStart, signals, checkpoint, lastActivity, escalated, evaluatedTo, weak);
    }

    Watch judgedTo(long to, boolean escalatedNow) {
        return new Watch(
                incidentId,
                account,
                table,
                readStart,
                signals,
                closeCheckpoint,
                lastActivity,
                escalated || escalatedNow,
                Math.max(evaluatedTo, to),
                weak);
    }

    /** The latest signal that applies at {@code c}, or null before the first. */
    Signal at(long c) {
        Signal latest = null;
        for (Signal s : signals) {
            if (s.checkpoint() <= c) {
                latest = s;
            }
        }
        return latest;
    }

    /** The first checkpoint: nothing is judged before it. */
    long start() {
        return signals.get(0).checkpoint();
    }
}
