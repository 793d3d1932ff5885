package org.exfilguard.eval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The score of one set of alerts against the truth. Ratios are NaN when undefined (no incidents, no alerts).
 * See {@link Evaluation} for the definitions. {@code scoredFrom} is the end of the warm-up (null: none);
 * {@code warmupIncidents} and {@code warmupDetections} were left out because they fell in it.
 */
public record EvaluationResult(
        List<KindScore> perKind,
        KindScore overall,
        int alertRecords,
        int detectionRecords,
        int suppressedRecords,
        int suppressedMatchingTruth,
        int closedRecords,
        int matchedRecords,
        double recordPrecision,
        int alertingAccountDays,
        int falseAlertAccountDays,
        double accountDayPrecision,
        double f1,
        List<IncidentOutcome> incidents,
        Instant scoredFrom,
        int warmupIncidents,
        int warmupDetections,
        List<LookalikeScore> lookalikes,
        List<IncidentOutcome> lookalikeOutcomes) {

    /** A fixed-width text table for a terminal or a report. */
    public String render(String title) {
        StringBuilder b = new StringBuilder();
        b.append(title).append('\n');
        String header = String.format(
                Locale.ROOT,
                "%-22s %9s %9s %8s %11s %11s%n",
                "kind",
                "incidents",
                "detected",
                "recall",
                "ttd_median",
                "ttd_max");
        b.append(header);
        b.append("-".repeat(header.length() - 1)).append('\n');
        for (KindScore k : perKind) {
            row(b, k);
        }
        b.append("-".repeat(header.length() - 1)).append('\n');
        row(b, overall);
        b.append(String.format(
                Locale.ROOT,
                "alert records: %d (%d detections, %d suppressed of which %d matched an incident, %d closed)%n",
                alertRecords,
                detectionRecords,
                suppressedRecords,
                suppressedMatchingTruth,
                closedRecords));
        b.append(String.format(
                Locale.ROOT,
                "record precision: %s (%d of %d detections match an incident)%n",
                pct(recordPrecision),
                matchedRecords,
                detectionRecords));
        b.append(String.format(
                Locale.ROOT,
                "account-day precision: %s (%d alerting account-days, %d false-alert account-days)%n",
                pct(accountDayPrecision),
                alertingAccountDays,
                falseAlertAccountDays));
        b.append(String.format(
                Locale.ROOT,
                "F1 (recall x account-day precision): %s%n",
                Double.isNaN(f1) ? "-" : String.format(Locale.ROOT, "%.3f", f1)));
        return b.toString();
    }

    /**
     * The per-kind report: recall, time to detect and escalation per kind, the look-alikes, and the
     * false-alert account-days by cause, after the warm-up.
     */
    public String renderReport(String title) {
        StringBuilder b = new StringBuilder();
        b.append(title).append('\n');
        if (scoredFrom != null) {
            b.append(String.format(
                    Locale.ROOT,
                    "scored from %s (warm-up: %d incidents and %d detection records before it left out)%n",
                    scoredFrom,
                    warmupIncidents,
                    warmupDetections));
        }
        String header = String.format(
                Locale.ROOT,
                "%-22s %9s %9s %8s %11s %11s %10s%n",
                "kind",
                "incidents",
                "detected",
                "recall",
                "ttd_median",
                "ttd_max",
                "escalated");
        b.append(header);
        b.append("-".repeat(header.length() - 1)).append('\n');
        for (KindScore k : perKind) {
            reportRow(b, k);
        }
        b.append("-".repeat(header.length() - 1)).append('\n');
        reportRow(b, overall);
        if (!lookalikes.isEmpty()) {
            b.append(String.format(
                    Locale.ROOT,
                    "%n%-22s %9s %9s %18s%n",
                    "look-alike (benign)",
                    "cases",
                    "alerted",
                    "false_account_days"));
            for (LookalikeScore l : lookalikes) {
                b.append(String.format(
                        Locale.ROOT, "%-22s %9d %9d %18d%n", l.kind(), l.cases(), l.alerted(), l.falseAccountDays()));
            }
        }
        int onLookalikes =
                lookalikes.stream().mapToInt(LookalikeScore::falseAccountDays).sum();
        b.append(String.format(
                Locale.ROOT,
                "%naccount-day precision: %s (%d alerting account-days, %d false: %d on look-alikes, %d on ordinary work)%n",
                pct(accountDayPrecision),
                alertingAccountDays,
                falseAlertAccountDays,
                onLookalikes,
                falseAlertAccountDays - onLookalikes));
        b.append(String.format(
                Locale.ROOT,
                "record precision: %s (%d of %d detections match an incident)%n",
                pct(recordPrecision),
                matchedRecords,
                detectionRecords));
        b.append(String.format(
                Locale.ROOT,
                "F1 (recall x account-day precision): %s%n",
                Double.isNaN(f1) ? "-" : String.format(Locale.ROOT, "%.3f", f1)));
        return b.toString();
    }

    private static void reportRow(StringBuilder b, KindScore k) {
        b.append(String.format(
                Locale.ROOT,
                "%-22s %9d %9d %8s %11s %11s %10s%n",
                k.kind(),
                k.incidents(),
                k.detected(),
                pct(k.recall()),
                duration(k.ttdMedian()),
                duration(k.ttdMax()),
                escalation(k)));
    }

    static String escalation(KindScore k) {
        return k.withEgress() == 0 ? "-" : k.escalated() + "/" + k.withEgress();
    }

    private static void row(StringBuilder b, KindScore k) {
        b.append(String.format(
                Locale.ROOT,
                "%-22s %9d %9d %8s %11s %11s%n",
                k.kind(),
                k.incidents(),
                k.detected(),
                pct(k.recall()),
                duration(k.ttdMedian()),
                duration(k.ttdMax())));
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    /** Compact: 45s, 3m05s, 2h07m, 3d04h. */
    static String duration(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }
}
