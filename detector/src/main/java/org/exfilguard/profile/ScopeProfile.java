package org.exfilguard.profile;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the detector keeps for one (account, scope): one {@link WindowProfile} per configured window,
 * bounded recent evidence (client ips, statement fingerprints) and the open incident, if any; the all-tables profile
 * also keeps the account's {@link ActiveHours}, and every read profile the off-hours window.
 * Scope is a sensitive table ({@code db.table}) or {@link #ALL_SENSITIVE}.
 */
public final class ScopeProfile {

    /** The scope of an account's reads across all its sensitive tables together. */
    public static final String ALL_SENSITIVE = "*";
    /**
     * The scope of statements on a sensitive database whose tables could not be determined (a CALL, a HANDLER, a
     * statement the parser could not read): their rows are profiled apart, as a table of their own, and in the
     * all-tables scope.
     */
    public static final String UNDETERMINED = "?";

    static final int MAX_EVIDENCE = 8;

    private final String account;
    private final String scope;
    private final long firstDay;
    private final List<WindowProfile> windows;
    private final Map<String, Long> recentIps;
    private final Map<String, Long> recentFingerprints;
    private OpenIncident incident;
    private ClosedIncident closed;
    /** The tally of the open incident, or of the last closed one (late egress evidence adds to it); may be null. */
    private IncidentTally tally;
    /** When the account reads: kept on the {@link #ALL_SENSITIVE} profile only; null elsewhere and before the first read. */
    private ActiveHours activeHours;
    /** The sliding sum of the rows read at hours the account never reads; null until configured and first needed. */
    private WindowProfile offHours;

    /** The last incident closed: egress evidence can reach it late when a replay runs far ahead of the egress side. */
    public record ClosedIncident(String incidentId, byte[] lastAlert, boolean escalated) {}

    public ScopeProfile(
            String account,
            String scope,
            long firstDay,
            List<WindowProfile> windows,
            Map<String, Long> recentIps,
            Map<String, Long> recentFingerprints,
            OpenIncident incident) {
        this.account = account;
        this.scope = scope;
        this.firstDay = firstDay;
        this.windows = List.copyOf(windows);
        this.recentIps = new LinkedHashMap<>(recentIps);
        this.recentFingerprints = new LinkedHashMap<>(recentFingerprints);
        this.incident = incident;
    }

    /** A fresh profile for an (account, scope) first seen at {@code first}. */
    public static ScopeProfile fresh(
            String account, String scope, List<WindowSpec> specs, int historyDays, Instant first) {
        List<WindowProfile> windows = specs.stream()
                .map(s -> new WindowProfile(s, historyDays, first))
                .toList();
        return new ScopeProfile(
                account, scope, Math.floorDiv(first.toEpochMilli(), 86_400_000L), windows, Map.of(), Map.of(), null);
    }

    /** Remembers the client ip (by last time seen) and the fingerprint (by rows read), keeping the largest few. */
    public void noteEvidence(String clientIp, String fingerprint, long rows, Instant at) {
        if (clientIp != null && !clientIp.isEmpty()) {
            recentIps.put(clientIp, at.toEpochMilli());
            trim(recentIps);
        }
        if (fingerprint != null && !fingerprint.isEmpty()) {
            recentFingerprints.merge(fingerprint, rows, WindowProfile::saturatedAdd);
            trim(recentFingerprints);
        }
    }

    private static void trim(Map<String, Long> map) {
        while (map.size() > MAX_EVIDENCE) {
            String smallest = map.entrySet().stream()
                    .min(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            map.remove(smallest);
        }
    }

    /** Client ips seen most recently first. */
    public List<String> recentClientIps() {
        return recentIps.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Fingerprints that read the most rows first. */
    public List<String> topFingerprints(int n) {
        return recentFingerprints.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(Map.Entry::getKey)
                .toList();
    }

    public String account() {
        return account;
    }

    public String scope() {
        return scope;
    }

    public long firstDay() {
        return firstDay;
    }

    public List<WindowProfile> windows() {
        return windows;
    }
    /** Client ip to the last time seen, in the order they were first noted (a read-only view). */
    public Map<String, Long> recentIps() {
        return java.util.Collections.unmodifiableMap(recentIps);
    }
    /** Fingerprint to rows read, in the order they were first noted (a read-only view). */
    public Map<String, Long> recentFingerprints() {
        return java.util.Collections.unmodifiableMap(recentFingerprints);
    }

    public OpenIncident incident() {
        return incident;
    }

    public void incident(OpenIncident incident) {
        this.incident = incident;
    }

    public ClosedIncident closed() {
        return closed;
    }

    public void closed(ClosedIncident closed) {
        this.closed = closed;
    }

    public IncidentTally tally() {
        return tally;
    }

    public void tally(IncidentTally tally) {
        this.tally = tally;
    }

    public ActiveHours activeHours() {
        return activeHours;
    }

    public void activeHours(ActiveHours activeHours) {
        this.activeHours = activeHours;
    }

    public WindowProfile offHours() {
        return offHours;
    }

    public void offHours(WindowProfile offHours) {
        this.offHours = offHours;
    }

    /** The tally of the incident with this id, if the profile holds it. */
    public IncidentTally tally(String incidentId) {
        return tally != null && tally.incidentId().equals(incidentId) ? tally : null;
    }

    /** Client ips seen at or after {@code since}, most recent first. */
    public List<String> clientIpsSince(Instant since) {
        return recentIps.entrySet().stream()
                .filter(e -> e.getValue() >= since.toEpochMilli())
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .toList();
    }
}
