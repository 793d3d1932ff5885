package org.exfilguard.detect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.EgressEvidence;

/**
 * Correlates a host's outbound traffic with the bulk reads made from it, in event time. Per source host it remembers
 * the destinations it has used, the bytes it sent to destinations it had never used before (by minute, see
 * {@link FreshEntry}), and the bulk-read incidents whose egress is watched ({@link Watch}).
 *
 * <p>Flows and the read side's signals arrive in an order that depends on timing, so nothing is decided when they
 * arrive. A watch is judged at minute boundaries, and only at a boundary that both sides have passed (the caller's
 * {@code bound}): by then every signal before it is known and every flow before it counted, and the flows after it are
 * kept apart by minute. Its first boundary at which the bytes sent to new destinations reach
 * {@code egress.min.unusual.bytes} ({@code weak.read.egress.min.bytes} for a weak read) escalates the incident; once the read side has closed the incident and the horizon
 * after its last read has passed, a final report carries the evidence (or says there was none). The same logs give
 * the same reports whatever the load, the thread count and the order in which the two sides ran.
 */
public final class EgressCorrelator {

    /**
     * Destinations first used by a host are kept this long (by the host's own event time) and at most
     * {@link #MAX_FRESH} of them: the read side may be processed hours or days of event time behind the egress side
     * (a backtest loads both topics at once), and the evidence must still be there when its read arrives.
     */
    static final Duration FRESH_RETENTION = Duration.ofDays(8);

    static final int MAX_FRESH = 256;
    static final int MAX_WATCHES = 8;
    /** Weak reads watched per host at once: a shared host's many accounts cannot grow its state without bound. */
    static final int MAX_WEAK_WATCHES = 4;

    static final int TOP_DESTINATIONS = 5;
    static final long MINUTE = FreshEntry.MINUTE;

    /**
     * A report for a watched incident, at boundary {@code at}: an escalation (the egress became unusual; with the
     * read side's record in force then) or the final report ({@code complete}; evidence null when nothing left).
     */
    public record Finding(
            String account,
            String incidentId,
            String table,
            long at,
            EgressEvidence evidence,
            boolean unusual,
            boolean complete,
            byte[] alert) {}

    private final EgressSettings settings;
    private final ReadDetector volumeDetector;

    public EgressCorrelator(EgressSettings settings) {
        this.settings = settings;
        this.volumeDetector = ReadDetector.ofVolume(settings.volume());
    }

    public boolean isEgress(EgressEvent event) {
        return settings.internalNetworks().isInternal(event.getSrcIp())
                && !settings.internalNetworks().isInternal(event.getDstIp());
    }

    public boolean isKnownDestination(String dstIp) {
        return settings.knownDestinations().isInternal(dstIp);
    }

    /**
     * Adds one outbound flow (to an external destination that is not a known one). Returns whether the host's
     * outbound volume alone crossed its threshold with no bulk read watched on the host (counted, not alerted).
     */
    public boolean onEgress(
            EgressHost host, ScopeProfile volume, EgressEvent event, boolean firstInOrg, PeerBaselines peers) {
        Instant at = event.getEventTime();
        long millis = at.toEpochMilli();
        host.expireFresh(millis - FRESH_RETENTION.toMillis());
        String dst = event.getDstIp();
        HostDestinations destinations = host.destinations();
        // On the host's first day every destination is new to it: it learns them, and only those the organisation
        // has never used either are evidence (a fresh workstation's first upload to a new drop is not learnt away).
        // {@code firstInOrg} is false while the organisation's own destinations are still being learnt.
        boolean learning = Math.floorDiv(millis, 86_400_000L) <= volume.firstDay();
        boolean newForHost = !destinations.use(dst, millis);
        if (newForHost) {
            destinations.add(dst, millis, settings.maxDestinations());
        }
        if (newForHost && (!learning || firstInOrg)) {
            host.freshAdded(FreshEntry.first(
                    dst,
                    event.getDstHost(),
                    event.getDstPort(),
                    firstInOrg,
                    millis,
                    event.getBytesOut(),
                    host.settledTo()));
            if (host.fresh().size() > MAX_FRESH) {
                host.evictLeastRecentlyUsed();
            }
        } else if (!newForHost) {
            FreshEntry fresh = host.freshEntry(dst);
            if (fresh != null) {
                fresh.add(millis, event.getBytesOut(), host.settledTo());
                host.freshEntryChanged(fresh);
            }
        }
        boolean volumeCrossed = volumeDetector.observe(volume, at, event.getBytesOut(), 0, peers).stream()
                .anyMatch(v -> v.state() == WindowVerdict.State.CROSSED);
        return volumeCrossed && host.watches().stream().allMatch(Watch::weak);
    }

    /**
     * Takes a signal of the read side: an incident's record to watch from (its checkpoint, read and alert), or its
     * close. A close of an incident the host no longer watches starts a watch of its own, so that the read side,
     * which waits for a final report from every host it asked, gets one. A weak read's signal ({@code weak}) starts a
     * watch closed at once; a host keeps at most {@link #MAX_WEAK_WATCHES} of them (the earliest), and one it drops is
     * answered at once with an empty final report, returned, so that the read side forgets it.
     */
    public List<Finding> onSignal(
            EgressHost host,
            String incidentId,
            String account,
            String table,
            long readStart,
            Watch.Signal signal,
            boolean closing,
            long lastActivity,
            boolean weak) {
        List<Watch> watches = host.watches();
        int i = 0;
        while (i < watches.size() && !watches.get(i).incidentId().equals(incidentId)) {
            i++;
        }
        if (weak) {
            if (i < watches.size()) {
                // The weak read grew: its latest record applies from its checkpoint, and the horizon runs from it.
                Watch w = watches.get(i).withSignal(signal);
                watches.set(
                        i,
                        w.closing(
                                Math.max(w.closeCheckpoint(), signal.checkpoint()),
                                Math.max(w.lastActivity(), signal.at())));
                return List.of();
            }
            watches.add(Watch.weak(incidentId, account, table, readStart, signal));
            List<Watch> weakOnes = watches.stream().filter(Watch::weak).toList();
            if (weakOnes.size() <= MAX_WEAK_WATCHES) {
                return List.of();
            }
            Watch last = weakOnes.stream()
                    .max(Comparator.comparingLong(Watch::start).thenComparing(Watch::incidentId))
                    .orElseThrow();
            watches.remove(last);
            return List.of(new Finding(
                    last.account(), last.incidentId(), last.table(), last.start(), null, false, true, null));
        }
        Watch watch = i < watches.size()
                ? watches.get(i)
                : Watch.open(
                        incidentId,
                        account,
                        table,
                        readStart,
                        closing ? new Watch.Signal(signal.checkpoint(), lastActivity, signal.rows(), null) : signal);
        if (closing) {
            watch = watch.closing(signal.checkpoint(), lastActivity);
        } else if (i < watches.size()) {
            watch = watch.withSignal(signal);
        }
        if (i < watches.size()) {
            watches.set(i, watch);
            return List.of();
        }
        watches.add(watch);
        if (watches.stream().filter(w -> !w.weak()).count() > MAX_WATCHES) {
            // The open watch with the oldest record goes; a close of it later starts a new one. Weak watches have
            // their own bound and never push out an incident's.
            Watch oldest = watches.stream()
                    .filter(w -> !w.weak() && w.closeCheckpoint() == null)
                    .min(Comparator.comparingLong(
                            w -> w.signals().get(w.signals().size() - 1).checkpoint()))
                    .orElse(watches.stream().filter(w -> !w.weak()).findFirst().orElseThrow());
            watches.remove(oldest);
        }
        return List.of();
    }

    /**
     * Judges the host's watches at the boundaries up to {@code bound}, which both sides have passed, and then settles
     * the fresh entries' minutes before it (no watch is judged before it again).
     */
    public List<Finding> judge(EgressHost host, long bound) {
        List<Finding> out = new ArrayList<>();
        List<Watch> watches = host.watches();
        for (int i = 0; i < watches.size(); i++) {
            Watch w = watches.get(i);
            if (bound <= w.evaluatedTo()) {
                continue;
            }
            boolean escalatedNow = !w.escalated() && escalation(host, w, bound, out);
            Watch judged = w.judgedTo(bound, escalatedNow);
            if (judged.closeCheckpoint() != null) {
                long until = judged.lastActivity() + settings.horizon().toMillis();
                long end = Math.floorDiv(until, MINUTE) * MINUTE + MINUTE;
                long due = due(judged);
                if (bound >= due) {
                    EgressEvidence evidence = evidence(host, judged.readStart(), until, end);
                    boolean unusual = judged.escalated()
                            || (evidence != null && evidence.getBytesOut() >= settings.minUnusualBytes(w.weak()));
                    out.add(new Finding(w.account(), w.incidentId(), w.table(), due, evidence, unusual, true, null));
                    watches.remove(i--);
                    continue;
                }
            }
            watches.set(i, judged);
        }
        host.settle(bound);
        return out;
    }

    /**
     * Whether {@link #judge} at {@code bound} can find, close or settle anything. When no fresh entry grew in a minute
     * before the bound, no watch has a signal from a checkpoint it has not judged up to the bound and none is due to
     * close, judging would only move the watches' and the host's boundaries to the bound; a later judgement from the
     * earlier boundaries then finds the same, since signals that arrive later apply from checkpoints after the bound
     * (the read side has passed it) and flows before it join the settled sums (the host is settled to the last bound
     * before a flow is counted). The processor leaves such a host as it is instead of judging and writing it: with
     * weak reads watched for the horizon after them, most watched hosts are quiet at most boundaries.
     */
    public boolean needsJudging(EgressHost host, long bound) {
        for (FreshEntry f : host.fresh()) {
            if (f.hasMinuteBefore(bound)) {
                return true;
            }
        }
        for (Watch w : host.watches()) {
            if (bound <= w.evaluatedTo()) {
                continue;
            }
            long from = Math.max(w.evaluatedTo(), w.start() - 1);
            for (Watch.Signal s : w.signals()) {
                if (s.checkpoint() > from && s.checkpoint() <= bound) {
                    return true;
                }
            }
            if (w.closeCheckpoint() != null && bound >= due(w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The lowest bound at which {@link #needsJudging} is true for the host as it stands, or {@link Long#MAX_VALUE}
     * when no bound is: {@code needsJudging(host, b) == b >= nextJudging(host)} for every {@code b}. The processor
     * keeps its watched hosts ordered by it, so a boundary visits only the hosts it is due for.
     */
    public long nextJudging(EgressHost host) {
        long next = Long.MAX_VALUE;
        for (FreshEntry f : host.fresh()) {
            long first = f.firstPending();
            if (first != Long.MAX_VALUE) {
                next = Math.min(next, first + 1);
            }
        }
        for (Watch w : host.watches()) {
            if (w.evaluatedTo() == Long.MAX_VALUE) {
                continue;
            }
            long from = Math.max(w.evaluatedTo(), w.start() - 1);
            for (Watch.Signal s : w.signals()) {
                if (s.checkpoint() > from) {
                    next = Math.min(next, s.checkpoint());
                }
            }
            if (w.closeCheckpoint() != null) {
                next = Math.min(next, Math.max(due(w), w.evaluatedTo() + 1));
            }
        }
        return next;
    }

    /** The boundary at which a closed watch is reported: its close, or the end of the horizon after its last read. */
    private long due(Watch w) {
        long until = w.lastActivity() + settings.horizon().toMillis();
        long end = Math.floorDiv(until, MINUTE) * MINUTE + MINUTE;
        return Math.max(end, w.closeCheckpoint());
    }

    /** The first boundary in the watch's next stretch at which its evidence is unusual, reported; false if none. */
    private boolean escalation(EgressHost host, Watch w, long bound, List<Finding> out) {
        long from = Math.max(w.evaluatedTo(), w.start() - 1);
        TreeSet<Long> points = new TreeSet<>();
        for (Watch.Signal s : w.signals()) {
            if (s.checkpoint() > from && s.checkpoint() <= bound) {
                points.add(s.checkpoint());
            }
        }
        for (FreshEntry f : host.fresh()) {
            if (f.first() >= w.readStart()) {
                f.growthPoints(from, bound, points);
            }
        }
        long horizon = settings.horizon().toMillis();
        for (long c : points) {
            Watch.Signal s = w.at(c);
            if (s == null || s.alert() == null) {
                continue;
            }
            long lastRead = 0;
            for (Watch.Signal t : w.signals()) {
                if (t.checkpoint() <= c) {
                    lastRead = Math.max(lastRead, t.at());
                }
            }
            if (c > lastRead + horizon + MINUTE) {
                continue;
            }
            EgressEvidence evidence = evidence(host, w.readStart(), Math.min(c - 1, lastRead + horizon), c);
            if (evidence != null && evidence.getBytesOut() >= settings.minUnusualBytes(w.weak())) {
                out.add(new Finding(w.account(), w.incidentId(), w.table(), c, evidence, true, false, s.alert()));
                return true;
            }
        }
        return false;
    }

    /**
     * Bytes sent before boundary {@code c} to the destinations the host first used between the read's start and
     * {@code until}, largest first: new to the host when the data was read, whichever side was processed first.
     */
    static EgressEvidence evidence(EgressHost host, long readStart, long until, long c) {
        record Sent(FreshEntry entry, long bytes) {}
        List<Sent> sent = new ArrayList<>();
        for (FreshEntry f : host.fresh()) {
            if (f.first() >= readStart && f.first() <= until && f.first() < c) {
                sent.add(new Sent(f, f.bytesBefore(c)));
            }
        }
        if (sent.isEmpty()) {
            return null;
        }
        sent.sort(Comparator.comparingLong(Sent::bytes)
                .reversed()
                .thenComparing(s -> s.entry().dstIp()));
        long total = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (Sent s : sent) {
            total = org.exfilguard.profile.WindowProfile.saturatedAdd(total, s.bytes());
            first = Math.min(first, s.entry().first());
            last = Math.max(last, s.entry().lastBefore(c));
        }
        List<EgressDestination> top = sent.stream()
                .limit(TOP_DESTINATIONS)
                .map(s -> EgressDestination.newBuilder()
                        .setDstIp(s.entry().dstIp())
                        .setDstHost(s.entry().dstHost())
                        .setBytesOut(s.bytes())
                        .setFirstSeenFromHost(true)
                        .setFirstSeenInOrg(s.entry().firstSeenInOrg())
                        .setDstPort(s.entry().dstPort())
                        .setFlows(s.entry().flowsBefore(c))
                        .build())
                .toList();
        return EgressEvidence.newBuilder()
                .setSrcIp(host.srcIp())
                .setBytesOut(total)
                .setFirstTime(Instant.ofEpochMilli(first))
                .setLastTime(Instant.ofEpochMilli(last))
                .setDestinations(top)
                .build();
    }
}
