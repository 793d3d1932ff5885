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
        kindTable(b, false);
        b.append(String.format(
                Locale.ROOT,
                "alert records: %d (%d detections, %d suppressed of which %d matched an incident, %d closed)%n",
                alertRecords,
                detectionRecords,
                suppressedRecords,
                suppressedMatchingTruth,
                closedRecords));
        recordPrecisionLine(b);
        b.append(String.format(
                Locale.ROOT,
                "account-day precision: %s (%d alerting account-days, %d false-alert account-days)%n",
                pct(accountDayPrecision),
                alertingAccountDays,
                falseAlertAccountDays));
        f1Line(b);
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
        kindTable(b, true);
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
        recordPrecisionLine(b);
        f1Line(b);
        return b.toString();
    }

    static String escalation(KindScore k) {
        return k.withEgress() == 0 ? "-" : k.escalated() + "/" + k.withEgress();
    }

    /** Per kind, then overall: recall and time to detect, and in the report how many were escalated. */
    private void kindTable(StringBuilder b, boolean withEscalation) {
        String columns = withEscalation ? " %10s%n" : "%n";
        String header = String.format(
                Locale.ROOT,
                "%-22s %9s %9s %8s %11s %11s" + columns,
                "kind",
                "incidents",
                "detected",
                "recall",
                "ttd_median",
                "ttd_max",
                "escalated");
        String rule = "-".repeat(header.length() - 1) + '\n';
        b.append(header).append(rule);
        String row = "%-22s %9d %9d %8s %11s %11s" + columns;
        for (KindScore k : perKind) {
            row(b, row, k);
        }
        b.append(rule);
        row(b, row, overall);
    }

    /** Without the escalation column, its argument is left unused by the format. */
    private static void row(StringBuilder b, String format, KindScore k) {
        b.append(String.format(
                Locale.ROOT,
                format,
                k.kind(),
                k.incidents(),
                k.detected(),
                pct(k.recall()),
                duration(k.ttdMedian()),
                duration(k.ttdMax()),
                escalation(k)));
    }

    private void recordPrecisionLine(StringBuilder b) {
        b.append(String.format(
                Locale.ROOT,
                "record precision: %s (%d of %d detections match an incident)%n",
                pct(recordPrecision),
                matchedRecords,
                detectionRecords));
    }

    private void f1Line(StringBuilder b) {
        b.append(String.format(
                Locale.ROOT,
                "F1 (recall x account-day precision): %s%n",
                Double.isNaN(f1) ? "-" : String.format(Locale.ROOT, "%.3f", f1)));
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
