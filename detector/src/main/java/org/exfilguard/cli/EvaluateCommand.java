package org.exfilguard.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exfilguard.eval.AlertFile;
import org.exfilguard.eval.Evaluation;
import org.exfilguard.eval.EvaluationResult;
import org.exfilguard.eval.EvaluationSummary;
import org.exfilguard.eval.StaticThresholdRule;
import org.exfilguard.sim.SimulationSpec;
import org.exfilguard.sim.TruthEntry;
import org.exfilguard.sim.TruthJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: scores alerts (and optionally a static-threshold baseline) against simulation truth. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Score alerts against the truth of a simulation: recall, precision and time to detect per "
                + "scenario kind. Optionally score a fixed per-hour threshold on the same events for comparison.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--truth",
            required = true,
            paramLabel = "TRUTH_JSONL",
            description = "truth.jsonl from simulate. Repeat with --alerts to score several runs (seeds): each "
                    + "pair is reported, then one table over all.")
    List<Path> truthFiles;

    @Option(
            names = "--alerts",
            paramLabel = "ALERTS_JSONL",
            description = "Alerts as JSON lines; the n-th goes with the n-th --truth.")
    List<Path> alertsFiles;

    @Option(
            names = "--warmup-days",
            paramLabel = "N",
            description = "Leave the first N days after --workload-start out of every score (the detector is still "
                    + "learning), and print the per-kind report: recall, time to detect, escalation, look-alikes.")
    Integer warmupDays;

    @Option(
            names = "--workload-start",
            paramLabel = "INSTANT",
            defaultValue = "2026-03-02T00:00:00Z",
            description = "Start of the simulated workload, from which the warm-up counts "
                    + "(simulate's --start). Default: ${DEFAULT-VALUE}.")
    Instant workloadStart;

    @Option(
            names = "--static-threshold-from",
            paramLabel = "EVENTS_JSONL",
            description = "Canonical db-access.jsonl to run the static-threshold baseline over.")
    Path staticEvents;

    @Option(
            names = "--threshold",
            defaultValue = "100000",
            paramLabel = "N",
            description = "Static baseline: sensitive rows per account per clock hour. Default: ${DEFAULT-VALUE}.")
    long threshold;

    @Option(
            names = "--sensitive-tables",
            split = ",",
            paramLabel = "TABLES",
            defaultValue = "coop.members,coop.member_cards",
            description = "Default: ${DEFAULT-VALUE}.")
    List<String> sensitiveTables;

    @Option(
            names = "--grace",
            defaultValue = "PT2H",
            paramLabel = "DURATION",
            description = "How long after an incident's end an alert still counts. Default: ${DEFAULT-VALUE}.")
    Duration grace;

    @Option(names = "--write-static-alerts", paramLabel = "FILE", description = "Also write the baseline's alerts.")
    Path staticAlertsOut;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> alertFiles = alertsFiles == null ? List.of() : alertsFiles;
        if (alertFiles.isEmpty() && staticEvents == null) {
            err.println("give --alerts, --static-threshold-from, or both");
            return ExitCodes.USAGE;
        }
        boolean severalRuns = truthFiles.size() > 1;
        if (severalRuns && alertFiles.size() != truthFiles.size()) {
            err.printf(
                    Locale.ROOT,
                    "%d --truth files but %d --alerts files: give one --alerts per --truth%n",
                    truthFiles.size(),
                    alertFiles.size());
            return ExitCodes.USAGE;
        }
        if (!severalRuns && alertFiles.size() > 1) {
            err.println("one --truth file for several --alerts files: give one --truth per --alerts");
            return ExitCodes.USAGE;
        }
        if (severalRuns && staticEvents != null) {
            err.println("--static-threshold-from scores one run: give one --truth with it");
            return ExitCodes.USAGE;
        }
        if (warmupDays != null && warmupDays < 0) {
            err.println("--warmup-days must not be negative");
            return ExitCodes.USAGE;
        }
        Instant scoredFrom = warmupDays == null ? null : workloadStart.plus(Duration.ofDays(warmupDays));
        boolean report = warmupDays != null || severalRuns;
        List<EvaluationResult> runs = new ArrayList<>();
        for (int i = 0; i < truthFiles.size(); i++) {
            Path truthFile = truthFiles.get(i);
            List<TruthEntry> truth;
            try {
                truth = TruthJson.read(truthFile);
            } catch (IOException ex) {
                err.println("cannot read truth: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            out.printf(Locale.ROOT, "truth: %d incidents from %s, grace %s%n%n", truth.size(), truthFile, grace);
            if (!alertFiles.isEmpty()) {
                Path alertsFile = alertFiles.get(i);
                AlertFile read = AlertFile.read(alertsFile);
                if (!read.rejects().isEmpty()) {
                    err.printf(
                            Locale.ROOT,
                            "%d alert lines rejected, first: %s%n",
                            read.rejects().size(),
                            org.exfilguard.incident.ConsoleEscapes.text(
                                    String.valueOf(read.rejects().get(0))));
                }
                EvaluationResult r = Evaluation.evaluate(truth, read.alerts(), grace, scoredFrom);
                String title =
                        "Detector alerts (" + alertsFile + ", " + read.alerts().size() + " records)";
                out.println(report ? r.renderReport(title) : r.render(title));
                runs.add(r);
            }
            if (staticEvents != null) {
                StaticThresholdRule rule = new StaticThresholdRule(
                        threshold,
                        new HashSet<>(
                                sensitiveTables == null ? SimulationSpec.DEFAULT_SENSITIVE_TABLES : sensitiveTables));
                StaticThresholdRule.RunResult run = rule.runOnCanonicalJson(staticEvents);
                if (staticAlertsOut != null) {
                    try (BufferedWriter w = Files.newBufferedWriter(staticAlertsOut, StandardCharsets.UTF_8)) {
                        AlertFile.write(w, run.alerts());
                    }
                }
                EvaluationResult r = Evaluation.evaluate(truth, run.alerts(), grace, scoredFrom);
                String title = String.format(
                        Locale.ROOT,
                        "Static threshold: > %,d sensitive rows per account-hour (%,d events, %,d lines skipped)",
                        threshold,
                        run.events(),
                        run.skippedLines());
                out.println(report ? r.renderReport(title) : r.render(title));
            }
        }
        if (severalRuns) {
            out.println(EvaluationSummary.render(
                    String.format(
                            Locale.ROOT,
                            "Detector alerts over %d runs%s",
                            runs.size(),
                            scoredFrom == null ? "" : ", each scored from " + scoredFrom),
                    runs));
        }
        out.flush();
        return 0;
    }
}
