package org.exfilguard.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.exfilguard.sim.ScenarioKind;

/**
 * One per-kind table over several runs (seeds): incidents pooled for recall and time to detect, with the
 * spread of each run's recall, and account-day precision per run. A detector judged on one seed can be tuned
 * to it; the spread shows how much a result depends on the draw.
 */
public final class EvaluationSummary {

    private EvaluationSummary() {}

    public static String render(String title, List<EvaluationResult> runs) {
        StringBuilder b = new StringBuilder();
        b.append(title).append('\n');
        String header = String.format(
                Locale.ROOT,
                "%-22s %4s %9s %9s %8s %15s %11s %11s %10s%n",
                "kind",
                "runs",
                "incidents",
                "detected",
                "recall",
                "recall_per_run",
                "ttd_median",
                "ttd_max",
                "escalated");
        b.append(header);
        b.append("-".repeat(header.length() - 1)).append('\n');
        Map<ScenarioKind, List<List<IncidentOutcome>>> byKind = new EnumMap<>(ScenarioKind.class);
        for (EvaluationResult r : runs) {
            Map<ScenarioKind, List<IncidentOutcome>> inRun = new EnumMap<>(ScenarioKind.class);
            r.incidents()
                    .forEach(o -> inRun.computeIfAbsent(o.incident().kind(), k -> new ArrayList<>())
                            .add(o));
            inRun.forEach((k, list) ->
                    byKind.computeIfAbsent(k, x -> new ArrayList<>()).add(list));
        }
        byKind.forEach((k, perRun) -> row(b, k.name(), perRun));
        b.append("-".repeat(header.length() - 1)).append('\n');
        row(b, "ALL", runs.stream().map(EvaluationResult::incidents).toList());

        Map<String, int[]> lookalikes = new java.util.LinkedHashMap<>();
        for (EvaluationResult r : runs) {
            for (LookalikeScore l : r.lookalikes()) {
                int[] sums = lookalikes.computeIfAbsent(l.kind(), x -> new int[4]);
                sums[0]++;
                sums[1] += l.cases();
                sums[2] += l.alerted();
                sums[3] += l.falseAccountDays();
            }
        }
        if (!lookalikes.isEmpty()) {
            b.append(String.format(
                    Locale.ROOT,
                    "%n%-22s %4s %9s %9s %18s%n",
                    "look-alike (benign)",
                    "runs",
                    "cases",
                    "alerted",
                    "false_account_days"));
            lookalikes.forEach((k, s) ->
                    b.append(String.format(Locale.ROOT, "%-22s %4d %9d %9d %18d%n", k, s[0], s[1], s[2], s[3])));
        }
        int days = runs.stream().mapToInt(EvaluationResult::alertingAccountDays).sum();
        int falseDays =
                runs.stream().mapToInt(EvaluationResult::falseAlertAccountDays).sum();
        b.append(String.format(
                Locale.ROOT,
                "%naccount-day precision: %s pooled (%d alerting account-days, %d false); per run: %s%n",
                EvaluationResult.pct(Evaluation.ratio(days - falseDays, days)),
                days,
                falseDays,
                runs.stream()
                        .map(r -> EvaluationResult.pct(r.accountDayPrecision()) + " (" + r.falseAlertAccountDays()
                                + " false)")
                        .collect(Collectors.joining(", "))));
        b.append(String.format(
                Locale.ROOT,
                "F1 per run: %s%n",
                runs.stream()
                        .map(r -> Double.isNaN(r.f1()) ? "-" : String.format(Locale.ROOT, "%.3f", r.f1()))
                        .collect(Collectors.joining(", "))));
        return b.toString();
    }

    private static void row(StringBuilder b, String kind, List<List<IncidentOutcome>> perRun) {
        List<IncidentOutcome> pooled = perRun.stream().flatMap(List::stream).toList();
        KindScore k = Evaluation.score(kind, pooled);
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (List<IncidentOutcome> run : perRun) {
            double r = Evaluation.score(kind, run).recall();
            lo = Double.isNaN(lo) ? r : Math.min(lo, r);
            hi = Double.isNaN(hi) ? r : Math.max(hi, r);
        }
        String spread = Double.isNaN(lo) ? "-" : percent(lo) + "-" + percent(hi);
        b.append(String.format(
                Locale.ROOT,
                "%-22s %4d %9d %9d %8s %15s %11s %11s %10s%n",
                kind,
                perRun.size(),
                k.incidents(),
                k.detected(),
                EvaluationResult.pct(k.recall()),
                spread,
                EvaluationResult.duration(k.ttdMedian()),
                EvaluationResult.duration(k.ttdMax()),
                EvaluationResult.escalation(k)));
    }

    private static String percent(double v) {
        return Math.round(v * 100) + "%";
    }
}
