package org.exfilguard.eval;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.Contributor;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.sim.ScenarioKind;
import org.exfilguard.sim.TruthEntry;

/**
 * Scores alerts against labelled incidents.
 *
 * <p>An alert <em>matches</em> an incident when the account is the same (or the alert is a TABLE_SURGE incident
 * that names the account among its contributors), the alert's table is the incident's table or {@code *}, and
 * {@code detected_at} lies in [start, end + grace]. A table incident is one alerting account-day (account
 * {@code *}), however many accounts it names: it is one incident for the analyst. Only detections count: suppressed
 * alerts and CLOSED records are excluded from recall and precision (suppressed ones are counted apart).
 *
 * <ul>
 *   <li>recall = incidents with at least one matching alert / incidents;</li>
 *   <li>record precision = alert records that match an incident (directly, or through an incident id shared
 *       with a matching record, so follow-up UPDATED records count) / all alert records;</li>
 *   <li>account-day precision = distinct (account, UTC day of detected_at) with a matching record / all
 *       alerting account-days; the rest are the false-alert account-days, the analyst's real workload.
 *       F1 uses this precision, so an incident that emits many updates is neither rewarded nor punished;</li>
 *   <li>time to detect = earliest matching detected_at − incident start (start taken to the whole second, as logs stamp it);</li>
 *   <li>escalated = incidents that sent data out and were matched by an alert whose kind names the egress.</li>
 * </ul>
 *
 * <p>Benign look-alikes in the truth ({@link ScenarioKind#benign()}) are not incidents: they count in no recall,
 * an alert on one is a false alert, and each look-alike kind reports how many of its cases drew an alert (on the
 * account, any table, in [start, end + grace]) and how many false-alert account-days they made. With a warm-up
 * (a {@code scoredFrom} instant) everything before it is left out of the scores.
 */
public final class Evaluation {
    public static final Duration DEFAULT_GRACE = Duration.ofHours(2);

    private Evaluation() {}

    public static EvaluationResult evaluate(List<TruthEntry> truth, List<ExfiltrationAlert> alerts) {
        return evaluate(truth, alerts, DEFAULT_GRACE);
    }

    public static EvaluationResult evaluate(List<TruthEntry> truth, List<ExfiltrationAlert> alerts, Duration grace) {
        return evaluate(truth, alerts, grace, null);
    }

    /**
     * Scores what happens from {@code scoredFrom} on (null: everything). Before it lies the warm-up, in which a
     * detector is still learning: incidents that start in it are not scored, and detections in it count towards
     * neither recall nor precision. Detections after it that match an incident of the warm-up are still true.
     */
    public static EvaluationResult evaluate(
            List<TruthEntry> truth, List<ExfiltrationAlert> alerts, Duration grace, Instant scoredFrom) {
        List<TruthEntry> incidents =
                truth.stream().filter(t -> !t.kind().benign()).toList();
        List<TruthEntry> lookalikes =
                truth.stream().filter(t -> t.kind().benign()).toList();
        List<ExfiltrationAlert> detections = new ArrayList<>();
        int suppressed = 0;
        int closed = 0;
        int warmupDetections = 0;
        for (ExfiltrationAlert a : alerts) {
            if (scoredFrom != null && a.getDetectedAt().isBefore(scoredFrom)) {
                if (!a.getSuppressed() && isDetection(a)) {
                    warmupDetections++;
                }
            } else if (a.getSuppressed()) {
                suppressed++;
            } else if (!isDetection(a)) {
                closed++;
            } else {
                detections.add(a);
            }
        }
        int suppressedMatching = 0;
        for (ExfiltrationAlert a : alerts) {
            if (a.getSuppressed()
                    && !warmup(a, scoredFrom)
                    && incidents.stream().anyMatch(t -> matches(a, t, grace))) {
                suppressedMatching++;
            }
        }

        List<IncidentOutcome> outcomes = new ArrayList<>();
        Set<ExfiltrationAlert> matched = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<String> matchedIncidentIds = new HashSet<>();
        int warmupIncidents = 0;
        for (TruthEntry t : incidents) {
            IncidentOutcome o = outcome(t, detections, grace, matched, matchedIncidentIds);
            if (scoredFrom != null && t.start().isBefore(scoredFrom)) {
                warmupIncidents++;
            } else {
                outcomes.add(o);
            }
        }
        for (ExfiltrationAlert a : detections) {
            if (a.getIncidentId() != null && matchedIncidentIds.contains(a.getIncidentId())) {
                matched.add(a);
            }
        }

        Map<String, Boolean> accountDays = new LinkedHashMap<>();
        for (ExfiltrationAlert a : detections) {
            accountDays.merge(accountDay(a), matched.contains(a), Boolean::logicalOr);
        }
        int trueDays = (int) accountDays.values().stream().filter(b -> b).count();
        int falseDays = accountDays.size() - trueDays;

        Map<ScenarioKind, List<IncidentOutcome>> byKind = new EnumMap<>(ScenarioKind.class);
        for (IncidentOutcome o : outcomes) {
            byKind.computeIfAbsent(o.incident().kind(), k -> new ArrayList<>()).add(o);
        }
        List<KindScore> kinds = new ArrayList<>();
        byKind.forEach((k, list) -> kinds.add(score(k.name(), list)));
        KindScore overall = score("ALL", outcomes);

        // A look-alike is alerted on when an alert that matches no incident falls on its account in its span.
        List<ExfiltrationAlert> unmatched =
                detections.stream().filter(a -> !matched.contains(a)).toList();
        List<IncidentOutcome> lookalikeOutcomes = new ArrayList<>();
        Map<ScenarioKind, Set<String>> falseDaysByLookalike = new EnumMap<>(ScenarioKind.class);
        for (TruthEntry t : lookalikes) {
            if (scoredFrom != null && t.start().isBefore(scoredFrom)) {
                continue;
            }
            Set<String> days = falseDaysByLookalike.computeIfAbsent(t.kind(), k -> new HashSet<>());
            List<ExfiltrationAlert> onIt =
                    unmatched.stream().filter(a -> during(a, t, grace)).toList();
            lookalikeOutcomes.add(outcome(
                    t,
                    onIt,
                    grace,
                    java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()),
                    new HashSet<>()));
            onIt.forEach(a -> days.add(accountDay(a)));
        }
        List<LookalikeScore> lookalikeScores = new ArrayList<>();
        Map<ScenarioKind, List<IncidentOutcome>> lookalikesByKind = new EnumMap<>(ScenarioKind.class);
        lookalikeOutcomes.forEach(o -> lookalikesByKind
                .computeIfAbsent(o.incident().kind(), k -> new ArrayList<>())
                .add(o));
        lookalikesByKind.forEach((k, list) -> lookalikeScores.add(new LookalikeScore(
                k.name(),
                list.size(),
                (int) list.stream().filter(IncidentOutcome::detected).count(),
                falseDaysByLookalike.get(k).size())));

        double recordPrecision = ratio(matched.size(), detections.size());
        double dayPrecision = ratio(trueDays, accountDays.size());
        double f1 = f1(overall.recall(), dayPrecision);
        return new EvaluationResult(
                kinds,
                overall,
                alerts.size(),
                detections.size(),
                suppressed,
                suppressedMatching,
                closed,
                matched.size(),
                recordPrecision,
                accountDays.size(),
                falseDays,
                dayPrecision,
                f1,
                outcomes,
                scoredFrom,
                warmupIncidents,
                warmupDetections,
                lookalikeScores,
                lookalikeOutcomes);
    }

    /** The first of {@code candidates} that matches {@code t}; every match is added to {@code matched}. */
    private static IncidentOutcome outcome(
            TruthEntry t,
            List<ExfiltrationAlert> candidates,
            Duration grace,
            Set<ExfiltrationAlert> matched,
            Set<String> matchedIncidentIds) {
        ExfiltrationAlert first = null;
        boolean escalated = false;
        for (ExfiltrationAlert a : candidates) {
            if (t.kind().benign() ? during(a, t, grace) : matches(a, t, grace)) {
                matched.add(a);
                if (a.getIncidentId() != null) {
                    matchedIncidentIds.add(a.getIncidentId());
                }
                if (first == null || a.getDetectedAt().isBefore(first.getDetectedAt())) {
                    first = a;
                }
                escalated |= a.getKind().name().contains("EGRESS");
            }
        }
        // Never negative: an alert on the first statement may carry its whole second, before the labelled start.
        Duration ttd = first == null ? null : max(Duration.ZERO, Duration.between(t.start(), first.getDetectedAt()));
        return new IncidentOutcome(t, first != null, ttd, first == null ? null : first.getAlertId(), escalated);
    }

    /** A look-alike draws any alert on its account in its span, whatever the table. */
    private static boolean during(ExfiltrationAlert a, TruthEntry t, Duration grace) {
        return names(a, t.account())
                && !a.getDetectedAt().isBefore(t.start().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                && !a.getDetectedAt().isAfter(t.end().plus(grace));
    }

    private static boolean warmup(ExfiltrationAlert a, Instant scoredFrom) {
        return scoredFrom != null && a.getDetectedAt().isBefore(scoredFrom);
    }

    private static String accountDay(ExfiltrationAlert a) {
        return a.getAccount() + "|" + LocalDate.ofInstant(a.getDetectedAt(), ZoneOffset.UTC);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Whether the alert is on {@code account}: its own, or one a table incident names among its contributors. */
    static boolean names(ExfiltrationAlert a, String account) {
        if (a.getAccount().equals(account)) {
            return true;
        }
        for (Contributor c : a.getContributors()) {
            if (c.getAccount().equals(account)) {
                return true;
            }
        }
        return false;
    }

    /** CLOSED records report the end of an incident, not a detection. */
    static boolean isDetection(ExfiltrationAlert a) {
        return a.getStatus() != AlertStatus.CLOSED;
    }

    /** An alert on the account's reads across all sensitive tables covers each of them. */
    static boolean coversTable(ExfiltrationAlert a, String table) {
        return ScopeProfile.ALL_SENSITIVE.equals(a.getTable()) || a.getTable().equalsIgnoreCase(table);
    }

    static boolean matches(ExfiltrationAlert a, TruthEntry t, Duration grace) {
        // Real logs stamp whole seconds (a slow log's "# Time:", SET timestamp), the truth has milliseconds: an
        // alert on the scenario's first statement carries its second, which may sort before the labelled start.
        return names(a, t.account())
                && coversTable(a, t.table())
                && !a.getDetectedAt().isBefore(t.start().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                && !a.getDetectedAt().isAfter(t.end().plus(grace));
    }

    static KindScore score(String name, List<IncidentOutcome> outcomes) {
        List<Duration> ttds = outcomes.stream()
                .filter(IncidentOutcome::detected)
                .map(IncidentOutcome::timeToDetect)
                .sorted(Comparator.naturalOrder())
                .toList();
        Duration median = null;
        Duration max = null;
        if (!ttds.isEmpty()) {
            int n = ttds.size();
            median = n % 2 == 1
                    ? ttds.get(n / 2)
                    : ttds.get(n / 2 - 1).plus(ttds.get(n / 2)).dividedBy(2);
            max = ttds.get(n - 1);
        }
        int detected = ttds.size();
        int withEgress = (int) outcomes.stream()
                .filter(o -> o.incident().egressDstIp() != null)
                .count();
        int escalated = (int) outcomes.stream()
                .filter(o -> o.incident().egressDstIp() != null && o.escalated())
                .count();
        return new KindScore(
                name, outcomes.size(), detected, ratio(detected, outcomes.size()), median, max, withEgress, escalated);
    }

    /** NaN when there is nothing to divide: "no alerts" has no precision, which is not the same as zero. */
    static double ratio(long num, long den) {
        return den == 0 ? Double.NaN : (double) num / den;
    }

    static double f1(double recall, double precision) {
        if (Double.isNaN(recall)) {
            return Double.NaN;
        }
        double p = Double.isNaN(precision) ? 0 : precision;
        return p + recall == 0 ? 0 : 2 * p * recall / (p + recall);
    }
}
