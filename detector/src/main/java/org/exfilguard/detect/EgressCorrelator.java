package org.exfilguard.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.state.FreshDestination;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.schema.state.WatchedRead;

/**
 * Correlates a host's outbound traffic with the bulk reads made from it. Per source host it remembers the
 * destinations it has used, the bytes it sent to destinations it had never used before (within the horizon),
 * and the bulk-read incidents whose egress is being watched. Whichever arrives second, the read or the egress,
 * produces the evidence, so the outcome does not depend on which topic was consumed first.
 */
public final class EgressCorrelator {

    /**
     * Destinations first used by a host are kept this long (by the host's own event time) and at most
     * {@link #MAX_FRESH} of them: the read side may be processed hours or days of event time behind the egress side
     * (a backtest loads both topics at once), and the evidence must still be there when its read arrives.
     */
    static final java.time.Duration FRESH_RETENTION = java.time.Duration.ofDays(8);
    static final int MAX_FRESH = 256;
    static final int MAX_READS = 8;
    static final int TOP_DESTINATIONS = 5;
    /** A new report is worth sending when the evidence grew by this factor. */
    static final double REPORT_GROWTH = 1.1;

    /** Evidence for one watched incident, with whether it is unusual enough to escalate. */
    public record Finding(String account, String incidentId, String table, EgressEvidence evidence, boolean unusual,
                          boolean complete) {
    }

    private final EgressSettings settings;
    private final ReadDetector volumeDetector;

    public EgressCorrelator(EgressSettings settings) {
        this.settings = settings;
        this.volumeDetector = new ReadDetector(settings.volume());
    }

    public boolean isEgress(EgressEvent event) {
        return settings.internalNetworks().isInternal(event.getSrcIp())
                && !settings.internalNetworks().isInternal(event.getDstIp());
    }

    public boolean isKnownDestination(String dstIp) {
        return settings.knownDestinations().isInternal(dstIp);
    }

    /**
     * Adds one outbound flow (to an external destination that is not a known one). Returns the evidence that
     * changed for watched reads, and whether the host's outbound volume alone crossed its threshold.
     */
    public Outcome onEgress(EgressHost host, ScopeProfile volume, EgressEvent event, boolean firstInOrg,
                            PeerBaselines peers) {
        Instant at = event.getEventTime();
        List<Finding> findings = new ArrayList<>(completed(host, at));
        expire(host, at);
        String dst = event.getDstIp();
        HostDestinations destinations = host.destinations();
        // On the host's first day every destination is new: it learns them, none is evidence yet.
        boolean learning = Math.floorDiv(at.toEpochMilli(), 86_400_000L) <= volume.firstDay();
        boolean newForHost = !destinations.contains(dst);
        if (newForHost) {
            destinations.add(dst, at.toEpochMilli(), settings.maxDestinations());
        }
        // The lookup is for a flow that adds no entry (a destination new for the host is appended below).
        Optional<FreshDestination> fresh = newForHost && !learning ? Optional.empty() : freshEntry(host, dst);
        if (newForHost && !learning) {
            host.freshAdded(FreshDestination.newBuilder().setDstIp(dst).setDstHost(event.getDstHost())
                    .setDstPort(event.getDstPort()).setFirstSeenInOrg(firstInOrg).setFirst(at).setLast(at)
                    .setBytes(event.getBytesOut()).setFlows(1).build());
            if (host.fresh().size() > MAX_FRESH) {
                host.fresh().sort(Comparator.comparing(FreshDestination::getLast));
                host.fresh().remove(0);
                host.freshOrderChanged();
            }
        } else if (fresh.isPresent()) {
            FreshDestination f = fresh.get();
            host.freshEntryChanged(f);
            f.setBytes(f.getBytes() + event.getBytesOut());
            f.setFlows(f.getFlows() + 1);
            if (at.isAfter(f.getLast())) {
                f.setLast(at);
            }
        }
        boolean volumeCrossed = volumeDetector.observe(volume, at, event.getBytesOut(), 0, peers).stream()
                .anyMatch(v -> v.state() == WindowVerdict.State.CROSSED);
        boolean volumeAbove = volumeAbove(volume);
        for (WatchedRead read : host.reads()) {
            if (!at.isBefore(read.getReadStart()) && !at.isAfter(read.getLastRead().plus(settings.horizon()))) {
                report(host, read, volumeAbove).ifPresent(findings::add);
            }
        }
        return new Outcome(findings, volumeCrossed && host.reads().isEmpty());
    }

    /** What one egress event produced. {@code egressOnly}: the host's volume crossed with no bulk read to explain it. */
    public record Outcome(List<Finding> findings, boolean egressOnly) {
    }

    /**
     * Takes a bulk read to watch from the read side: a signal with an incident id. (Signals without one, account-seen
     * signals of earlier builds, are dropped by the caller before the host's state is loaded.)
     */
    public List<Finding> onRead(EgressHost host, ScopeProfile volume, ReadSignal signal) {
        Instant at = signal.getAt();
        expire(host, at);
        WatchedRead read = host.reads().stream().filter(r -> r.getIncidentId().equals(signal.getIncidentId()))
                .findFirst().orElse(null);
        if (read == null) {
            read = WatchedRead.newBuilder().setIncidentId(signal.getIncidentId()).setAccount(signal.getAccount())
                    .setTable(signal.getTable()).setReadStart(signal.getReadStart() == null ? at : signal.getReadStart())
                    .setLastRead(at).setRows(signal.getRows()).build();
            host.reads().add(read);
            if (host.reads().size() > MAX_READS) {
                host.reads().sort(Comparator.comparing(WatchedRead::getLastRead));
                host.reads().remove(0);
            }
        } else {
            if (at.isAfter(read.getLastRead())) {
                read.setLastRead(at);
            }
            read.setRows(Math.max(read.getRows(), signal.getRows()));
        }
        boolean volumeAbove = volumeAbove(volume);
        return report(host, read, volumeAbove).map(List::of).orElse(List.of());
    }

    /** The host's outbound volume is above its threshold in some window (it alerted and has not fallen back). */
    private static boolean volumeAbove(ScopeProfile volume) {
        return volume.windows().stream().anyMatch(w -> !w.armed());
    }

    /** Evidence for a watched read, if it grew enough since the last report (or just became unusual). */
    private Optional<Finding> report(EgressHost host, WatchedRead read, boolean volumeAbove) {
        EgressEvidence evidence = evidence(host, read, settings.horizon());
        if (evidence == null) {
            return Optional.empty();
        }
        boolean unusual = evidence.getBytesOut() >= settings.minUnusualBytes() || volumeAbove;
        boolean grew = evidence.getBytesOut() >= REPORT_GROWTH * read.getReportedBytes();
        if (!grew && !(unusual && !read.getUnusualReported())) {
            return Optional.empty();
        }
        read.setReportedBytes(evidence.getBytesOut());
        read.setUnusualReported(read.getUnusualReported() || unusual);
        return Optional.of(new Finding(read.getAccount(), read.getIncidentId(), read.getTable(), evidence,
                read.getUnusualReported(), false));
    }

    /**
     * Final evidence of the reads whose horizon this host's egress has now passed: complete, whatever the order in
     * which reads and flows were processed, so an incident that closed before its egress was seen (a replay runs the
     * read side far ahead) is escalated with all of it.
     */
    private List<Finding> completed(EgressHost host, Instant at) {
        if (host.reads().isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        for (WatchedRead read : host.reads()) {
            if (!read.getFinalReported() && at.isAfter(read.getLastRead().plus(settings.horizon()))) {
                read.setFinalReported(true);
                EgressEvidence evidence = evidence(host, read, settings.horizon());
                if (evidence != null) {
                    boolean unusual = read.getUnusualReported() || evidence.getBytesOut() >= settings.minUnusualBytes();
                    out.add(new Finding(read.getAccount(), read.getIncidentId(), read.getTable(), evidence, unusual, true));
                }
            }
        }
        return out;
    }

    /**
     * Bytes to destinations the host first used between the read's start and its horizon, largest first: new to
     * the host when the data was read, whichever side was processed first.
     */
    static EgressEvidence evidence(EgressHost host, WatchedRead read, java.time.Duration horizon) {
        Instant until = read.getLastRead().plus(horizon);
        List<FreshDestination> after = host.fresh().stream()
                .filter(f -> !f.getFirst().isBefore(read.getReadStart()) && !f.getFirst().isAfter(until))
                .sorted(Comparator.comparingLong(FreshDestination::getBytes).reversed().thenComparing(FreshDestination::getDstIp))
                .toList();
        if (after.isEmpty()) {
            return null;
        }
        long total = after.stream().mapToLong(FreshDestination::getBytes).sum();
        Instant first = after.stream().map(FreshDestination::getFirst).min(Comparator.naturalOrder()).orElseThrow();
        Instant last = after.stream().map(FreshDestination::getLast).max(Comparator.naturalOrder()).orElseThrow();
        List<EgressDestination> top = after.stream().limit(TOP_DESTINATIONS).map(f -> EgressDestination.newBuilder()
                .setDstIp(f.getDstIp()).setDstHost(f.getDstHost()).setBytesOut(f.getBytes())
                .setFirstSeenFromHost(true).setFirstSeenInOrg(f.getFirstSeenInOrg()).setDstPort(f.getDstPort())
                .setFlows(f.getFlows()).build()).toList();
        return EgressEvidence.newBuilder().setSrcIp(host.srcIp()).setBytesOut(total).setFirstTime(first)
                .setLastTime(last).setDestinations(top).build();
    }

    private void expire(EgressHost host, Instant at) {
        if (!host.reads().isEmpty()) {
            host.reads().removeIf(r -> r.getLastRead().plus(settings.horizon()).isBefore(at));
        }
        host.expireFresh(at.minus(FRESH_RETENTION));
    }

    /** The host's first fresh entry for {@code dst}, if any (a destination forgotten and used again has two). */
    private static Optional<FreshDestination> freshEntry(EgressHost host, String dst) {
        for (FreshDestination f : host.fresh()) {
            if (f.getDstIp().equals(dst)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
