package org.exfilguard.incident;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.exfilguard.detect.WeakRead;
import org.exfilguard.detect.WindowVerdict;
import org.exfilguard.profile.IncidentTally;
import org.exfilguard.profile.OpenIncident;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;
import org.exfilguard.schema.Severity;

/**
 * One incident per (account, scope): OPENED when a window first crosses its threshold, UPDATED when the score
 * grows by the configured factor (paced) or the severity rises (at once), a bounded number of times, UPDATED with kind
 * READ_THEN_EGRESS when unusual egress from the reading host follows (see {@link #escalation}), CLOSED after a quiet
 * period (with the egress evidence once the egress side has answered: {@link #closedWithEgress}). At most
 * {@code 2 + maxUpdates} records per incident, never one per event; one update is kept for the escalation.
 * Every record carries the incident's totals ({@link IncidentTally}): each read of the scope while the incident is
 * open adds to them.
 */
public final class IncidentManager {

    /** An upload in at least this many flows to one destination counts as chunked. */
    static final int CHUNKED_FLOWS = 4;
    /** The escalation's alert id does not depend on how many records came before it (that depends on timing). */
    static final int ESCALATION_SEQUENCE = 100;
    /** Keeps a weak read's incident ids apart from those of incidents opened by a crossing. */
    static final String WEAK_ID_SALT = "\u0000weak";

    private final IncidentLifecycle lifecycle;
    private final String detectorVersion;
    private final AvroBytes<ExfiltrationAlert> alerts = new AvroBytes<>(ExfiltrationAlert.class);
    private final AvroBytes<EgressEvidence> evidences = new AvroBytes<>(EgressEvidence.class);

    public IncidentManager(IncidentLifecycle lifecycle, String detectorVersion) {
        this.lifecycle = lifecycle;
        this.detectorVersion = detectorVersion;
    }

    /**
     * Decides what a read means for the scope's incident. {@code mayOpen} is false when a narrower incident
     * already covers the reads (the all-tables scope defers to an open per-table incident).
     */
    public Optional<ExfiltrationAlert> onRead(
            ScopeProfile profile, List<WindowVerdict> verdicts, DbAccessEvent read, BooleanSupplier mayOpen) {
        Instant at = read.getEventTime();
        long rows = read.getRowsReturned();
        Optional<WindowVerdict> strongest =
                verdicts.stream().filter(WindowVerdict::alerting).max(Comparator.comparingDouble(WindowVerdict::score));
        OpenIncident incident = profile.incident();
        if (incident != null) {
            // Every read of an open incident counts in its totals, above the threshold or not.
            IncidentTally tally = profile.tally(incident.incidentId());
            if (tally != null) {
                tally.addRead(at, rows, bytes(read), read.getClientIp(), read.getStatementFingerprint());
            }
        }
        if (strongest.isEmpty()) {
            return Optional.empty();
        }
        WindowVerdict top = strongest.get();
        if (incident == null) {
            boolean crossed = verdicts.stream().anyMatch(v -> v.state() == WindowVerdict.State.CROSSED);
            return crossed && mayOpen.getAsBoolean() ? Optional.of(open(profile, top, read)) : Optional.empty();
        }
        if (rows > 0) {
            incident = incident.withActivity(at);
            profile.incident(incident);
        }
        Severity severity = lifecycle.severities().of(top.score());
        boolean grew = top.score() >= incident.lastScore() * lifecycle.growthFactor();
        boolean escalated =
                severity.ordinal() > Severity.valueOf(incident.severity()).ordinal();
        // Growth is paced: a dump that doubles every few seconds is one story, not a record per doubling. A rise
        // in severity is not: an incident opened LOW by a modest read that turns into a CRITICAL dump a minute
        // later must say so then, not at the next read after the interval (there may be none until it closes).
        // Severity can rise at most three times, and the update budget still bounds the records.
        boolean due = !at.isBefore(incident.lastAlertAt().plus(lifecycle.updateInterval()));
        int budget = lifecycle.maxUpdates() - (incident.escalated() ? 0 : 1);
        if ((escalated || (grew && due)) && incident.alerts() <= budget) {
            return Optional.of(update(profile, incident, top, at, severity));
        }
        return Optional.empty();
    }

    /**
     * The escalation of an incident whose reads were followed by unusual egress from host number {@code host} of
     * those it watched: the read side's record in force at boundary {@code at}, with the evidence, at least HIGH. Its
     * id depends on the incident and the host alone (never on how many records came before it).
     */
    public ExfiltrationAlert escalation(ExfiltrationAlert read, EgressEvidence evidence, int host, Instant at) {
        return ExfiltrationAlert.newBuilder(withEgress(read, evidence))
                .setAlertId(Ids.alertId(read.getIncidentId(), ESCALATION_SEQUENCE + Math.max(0, host)))
                .setStatus(AlertStatus.UPDATED)
                .setSeverity(escalated(read.getSeverity()))
                .setDetectedAt(at)
                .setTotals(withEgress(read.getTotals(), evidence.getBytesOut(), destinations(evidence)))
                .build();
    }

    /**
     * The closing record once every watched host has sent its final report: its totals with the bytes every watched
     * host sent to new destinations ({@code egressBytes}, {@code destinations} most bytes first), and with the largest
     * evidence and one level up when the egress was unusual.
     */
    public ExfiltrationAlert closedWithEgress(
            ExfiltrationAlert closed,
            EgressEvidence evidence,
            boolean unusual,
            long egressBytes,
            List<String> destinations) {
        ExfiltrationAlert.Builder out = ExfiltrationAlert.newBuilder(closed)
                .setTotals(withEgress(closed.getTotals(), egressBytes, destinations));
        if (!unusual || evidence == null) {
            return out.build();
        }
        return ExfiltrationAlert.newBuilder(withEgress(out.build(), evidence))
                .setSeverity(escalated(closed.getSeverity()))
                .build();
    }

    /**
     * The record a weak read would open: not published on its own (a weak read is no alert), but carried by the egress
     * side's watch of the reading host, and published by {@link #weakOpened} if unusual egress follows. Its incident id
     * depends on the account, table and read alone.
     */
    public ExfiltrationAlert weakCandidate(ScopeProfile profile, WeakRead weak, DbAccessEvent read) {
        Instant at = read.getEventTime();
        WindowVerdict v = weak.verdict();
        String incidentId = Ids.incidentId(profile.account(), profile.scope() + WEAK_ID_SALT, at.toEpochMilli());
        Instant firstSeen = v.window().activeSince();
        List<String> ips = List.of(read.getClientIp());
        return base(profile, v, at, firstSeen)
                .setAlertId(Ids.alertId(incidentId, 0))
                .setIncidentId(incidentId)
                .setStatus(AlertStatus.OPENED)
                .setClientIps(ips)
                .setReason(Reasons.weak(profile.account(), profile.scope(), weak, at, ips))
                .setTotals(IncidentTotals.newBuilder()
                        .setRows(v.observedRows())
                        .setBytes(v.observedBytes() > 0 ? v.observedBytes() : null)
                        .setLargestReadRows(read.getRowsReturned())
                        .setFirstRead(firstSeen)
                        .setLastRead(at)
                        .setClientIps(ips)
                        .setStatementFingerprints(profile.topFingerprints(8))
                        .build())
                .build();
    }

    /**
     * A weak read followed by unusual egress ({@code evidence}, seen by boundary {@code at}): the candidate opened as a
     * READ_THEN_EGRESS incident, at least HIGH. Its score combines both halves: the geometric mean of how far the read
     * is above its weak-read level and how far the bytes are above {@code egressFloorBytes} (1.0 when both are just
     * at their level).
     */
    public ExfiltrationAlert weakOpened(
            ExfiltrationAlert candidate, EgressEvidence evidence, Instant at, long egressFloorBytes) {
        double egressRatio = evidence.getBytesOut() / (double) Math.max(1, egressFloorBytes);
        double score = Math.sqrt(Math.max(candidate.getScore(), 1.0) * Math.max(egressRatio, 1.0));
        return ExfiltrationAlert.newBuilder(withEgress(candidate, evidence))
                .setScore(Math.round(score * 100) / 100.0)
                .setSeverity(escalated(lifecycle.severities().of(score)))
                .setDetectedAt(at)
                .setTotals(withEgress(candidate.getTotals(), evidence.getBytesOut(), destinations(evidence)))
                .build();
    }

    /**
     * The close of a weak read's incident once the horizon after its read has passed ({@code at}): the opened
     * record with the final evidence and the totals of every new destination's bytes.
     */
    public ExfiltrationAlert weakClosed(
            ExfiltrationAlert opened,
            EgressEvidence evidence,
            long egressBytes,
            List<String> destinations,
            Instant at) {
        ExfiltrationAlert withEvidence = evidence == null ? opened : withEgress(opened, evidence);
        return ExfiltrationAlert.newBuilder(withEvidence)
                .setAlertId(Ids.alertId(opened.getIncidentId(), 1))
                .setStatus(AlertStatus.CLOSED)
                .setDetectedAt(at)
                .setReason("Closed: the egress horizon after the read has passed. " + withEvidence.getReason())
                .setTotals(withEgress(opened.getTotals(), egressBytes, destinations))
                .build();
    }

    /** The evidence's destinations, most bytes first. */
    public static List<String> destinations(EgressEvidence evidence) {
        return evidence.getDestinations().stream().map(d -> d.getDstIp()).toList();
    }

    private static IncidentTotals withEgress(IncidentTotals totals, long bytes, List<String> destinations) {
        if (totals == null || bytes <= 0) {
            return totals;
        }
        return IncidentTotals.newBuilder(totals)
                .setEgressBytesOut(bytes)
                .setEgressDestinations(destinations.subList(0, Math.min(16, destinations.size())))
                .build();
    }

    /** Closes the scope's incident when nothing above threshold was read for the quiet period. */
    public Optional<ExfiltrationAlert> closeIfQuiet(ScopeProfile profile, Instant streamTime) {
        OpenIncident incident = profile.incident();
        if (incident == null || streamTime.isBefore(closeDue(incident))) {
            return Optional.empty();
        }
        ExfiltrationAlert last = alerts.decode(incident.lastAlert());
        if (incident.egressEvidence() != null && incident.escalated()) {
            last = withEgress(last, evidences.decode(incident.egressEvidence()));
        }
        ExfiltrationAlert closed = ExfiltrationAlert.newBuilder(last)
                .setAlertId(Ids.alertId(incident.incidentId(), incident.alerts()))
                .setStatus(AlertStatus.CLOSED)
                .setDetectedAt(closeDue(incident))
                .setReason(Reasons.closed(
                        profile.account(),
                        profile.scope(),
                        incident.lastActivity(),
                        lifecycle.quietPeriod(),
                        last.getReason()))
                .setTotals(totals(profile, incident.incidentId()))
                .build();
        profile.incident(null);
        profile.closed(
                new ScopeProfile.ClosedIncident(incident.incidentId(), incident.lastAlert(), incident.escalated()));
        return Optional.of(closed);
    }

    public Instant closeDue(OpenIncident incident) {
        return incident.lastActivity().plus(lifecycle.quietPeriod());
    }

    private ExfiltrationAlert withEgress(ExfiltrationAlert alert, EgressEvidence evidence) {
        Set<String> techniques = new LinkedHashSet<>(alert.getMitreTechniques());
        // Web ports or a named host: a web service; anything else: an alternative protocol.
        boolean web = evidence.getDestinations().stream()
                .anyMatch(d -> d.getDstHost() != null
                        || (d.getDstPort() != null && (d.getDstPort() == 443 || d.getDstPort() == 80)));
        techniques.add(web ? AttackCatalog.OVER_WEB_SERVICE.uid() : AttackCatalog.OVER_ALTERNATIVE_PROTOCOL.uid());
        if (evidence.getDestinations().stream().anyMatch(d -> d.getFlows() >= CHUNKED_FLOWS)) {
            techniques.add(AttackCatalog.TRANSFER_SIZE_LIMITS.uid());
        }
        String base = alert.getReason();
        int then = base.indexOf(" Then ");
        String readPart = then >= 0 ? base.substring(0, then) : base;
        return ExfiltrationAlert.newBuilder(alert)
                .setKind(AlertKind.READ_THEN_EGRESS)
                .setEgress(evidence)
                .setMitreTechniques(new ArrayList<>(techniques))
                .setReason(readPart + " " + Reasons.egress(evidence))
                .build();
    }

    private ExfiltrationAlert open(ScopeProfile profile, WindowVerdict top, DbAccessEvent read) {
        Instant at = read.getEventTime();
        String incidentId = Ids.incidentId(profile.account(), profile.scope(), at.toEpochMilli());
        Instant firstSeen = top.window().activeSince();
        // The crossing window holds exactly the reads since first-seen, this one included: the totals start there.
        profile.tally(IncidentTally.opened(
                incidentId,
                firstSeen,
                at,
                top.observedRows(),
                top.observedBytes(),
                profile.clientIpsSince(firstSeen),
                read.getRowsReturned(),
                read.getClientIp(),
                read.getStatementFingerprint()));
        ExfiltrationAlert alert = base(profile, top, at, firstSeen)
                .setAlertId(Ids.alertId(incidentId, 0))
                .setIncidentId(incidentId)
                .setStatus(AlertStatus.OPENED)
                .setReason(Reasons.opened(profile.account(), profile.scope(), top, at, profile.recentClientIps()))
                .setTotals(totals(profile, incidentId))
                .build();
        profile.incident(new OpenIncident(
                incidentId,
                at,
                firstSeen,
                at,
                at,
                1,
                top.score(),
                alert.getSeverity().name(),
                alerts.encode(alert),
                false,
                null));
        return alert;
    }

    private ExfiltrationAlert update(
            ScopeProfile profile, OpenIncident incident, WindowVerdict top, Instant at, Severity severity) {
        String opening = Reasons.opened(profile.account(), profile.scope(), top, at, profile.recentClientIps());
        ExfiltrationAlert.Builder builder = base(profile, top, at, incident.firstSeen())
                .setAlertId(Ids.alertId(incident.incidentId(), incident.alerts()))
                .setIncidentId(incident.incidentId())
                .setStatus(AlertStatus.UPDATED)
                .setSeverity(severity)
                .setReason(Reasons.updated(opening, top, at))
                .setTotals(totals(profile, incident.incidentId()));
        ExfiltrationAlert alert = builder.build();
        if (incident.escalated() && incident.egressEvidence() != null) {
            alert = withEgress(alert, evidences.decode(incident.egressEvidence()));
        }
        profile.incident(new OpenIncident(
                incident.incidentId(),
                incident.openedAt(),
                incident.firstSeen(),
                incident.lastActivity(),
                at,
                incident.alerts() + 1,
                top.score(),
                severity.name(),
                alerts.encode(alert),
                incident.escalated(),
                incident.egressEvidence()));
        return alert;
    }

    private ExfiltrationAlert.Builder base(ScopeProfile profile, WindowVerdict top, Instant at, Instant firstSeen) {
        double rank = top.peerRank();
        return ExfiltrationAlert.newBuilder()
                .setKind(
                        ScopeProfile.UNDETERMINED.equals(profile.scope())
                                ? AlertKind.UNDETERMINED_TABLES
                                : AlertKind.BULK_READ)
                .setSeverity(lifecycle.severities().of(top.score()))
                .setScore(Math.round(top.score() * 100) / 100.0)
                .setAccount(profile.account())
                .setTable(profile.scope())
                .setDetectedAt(at)
                .setWindow(top.window().spec().name())
                .setWindowStart(top.window().windowStart())
                .setWindowEnd(top.window().windowEnd())
                .setObservedRows(top.observedRows())
                .setObservedBytes(top.observedBytes() > 0 ? top.observedBytes() : null)
                .setBaselineRows(Math.round(top.threshold().typical() * 10) / 10.0)
                .setBaselineSpread(Math.round(top.threshold().spread() * 10) / 10.0)
                .setThresholdRows(Math.round(top.threshold().value() * 10) / 10.0)
                .setBaselineMethod(top.threshold().method())
                .setBaselineHistoryDays(top.threshold().historyDays())
                .setPeerPercentile(Double.isNaN(rank) ? null : Math.round(rank * 1000) / 10.0)
                .setFirstSeen(firstSeen)
                .setClientIps(profile.recentClientIps())
                .setStatementFingerprints(profile.topFingerprints(5))
                .setEgress(null)
                .setMitreTechniques(List.of(AttackCatalog.DATA_FROM_REPOSITORIES.uid()))
                .setSuppressed(false)
                .setSuppressionReason(null)
                .setDetectorVersion(detectorVersion);
    }

    private static long bytes(DbAccessEvent read) {
        return read.getBytesReturned() == null ? 0 : read.getBytesReturned();
    }

    private static Map<String, Long> destinationBytes(EgressEvidence evidence) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (EgressDestination d : evidence.getDestinations()) {
            out.merge(d.getDstIp(), d.getBytesOut(), Math::max);
        }
        return out;
    }

    /** The incident's totals as the alert carries them; null for an incident opened before this build kept them. */
    static IncidentTotals totals(ScopeProfile profile, String incidentId) {
        IncidentTally tally = profile.tally(incidentId);
        if (tally == null) {
            return null;
        }
        return IncidentTotals.newBuilder()
                .setRows(tally.rows())
                .setBytes(tally.bytes() > 0 ? tally.bytes() : null)
                .setLargestReadRows(tally.largestRead())
                .setFirstRead(tally.firstRead())
                .setLastRead(tally.lastRead())
                .setClientIps(tally.clientIpsByRows())
                .setStatementFingerprints(tally.fingerprintsByRows())
                .setEgressBytesOut(tally.egressBytes())
                .setEgressDestinations(tally.destinationsByBytes())
                .build();
    }

    /** Data that also left the network: one level up, and at least HIGH. */
    static Severity escalated(Severity read) {
        return Severity.values()[
                Math.min(Severity.CRITICAL.ordinal(), Math.max(Severity.HIGH.ordinal(), read.ordinal() + 1))];
    }
}
