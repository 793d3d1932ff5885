package org.exfilguard.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exfilguard.eval.AlertJson;
import org.exfilguard.eval.Evaluation;
import org.exfilguard.eval.EvaluationResult;
import org.exfilguard.eval.StaticThresholdRule;
import org.exfilguard.sim.SimulationSpec;
import org.exfilguard.sim.TruthEntry;
import org.exfilguard.sim.TruthJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code evaluate}: scores alerts (and optionally a static-threshold baseline) against simulation truth. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score alerts against the truth of a simulation: recall, precision and time to detect per "
                + "scenario kind. Optionally score a fixed per-hour threshold on the same events for comparison.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--truth", required = true, paramLabel = "TRUTH_JSONL", description = "truth.jsonl from simulate.")
    Path truthFile;

    @Option(names = "--alerts", paramLabel = "ALERTS_JSONL", description = "Alerts as JSON lines.")
    Path alertsFile;

    @Option(names = "--static-threshold-from", paramLabel = "EVENTS_JSONL",
            description = "Canonical db-access.jsonl to run the static-threshold baseline over.")
    Path staticEvents;

    @Option(names = "--threshold", defaultValue = "100000", paramLabel = "N",
            description = "Static baseline: sensitive rows per account per clock hour. Default: ${DEFAULT-VALUE}.")
    long threshold;

    @Option(names = "--sensitive-tables", split = ",", paramLabel = "TABLES",
            defaultValue = "coop.members,coop.member_cards", description = "Default: ${DEFAULT-VALUE}.")
    List<String> sensitiveTables;

    @Option(names = "--grace", defaultValue = "PT2H", paramLabel = "DURATION",
            description = "How long after an incident's end an alert still counts. Default: ${DEFAULT-VALUE}.")
    Duration grace;

    @Option(names = "--write-static-alerts", paramLabel = "FILE", description = "Also write the baseline's alerts.")
    Path staticAlertsOut;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (alertsFile == null && staticEvents == null) {
            err.println("give --alerts, --static-threshold-from, or both");
            return ExitCodes.USAGE;
        }
        List<TruthEntry> truth;
        try {
            truth = TruthJson.read(truthFile);
        } catch (IOException ex) {
            err.println("cannot read truth: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        out.printf(Locale.ROOT, "truth: %d incidents from %s, grace %s%n%n", truth.size(), truthFile, grace);
        if (alertsFile != null) {
            AlertJson.ReadResult read = AlertJson.read(alertsFile);
            if (!read.rejects().isEmpty()) {
                err.printf(Locale.ROOT, "%d alert lines rejected, first: %s%n", read.rejects().size(),
                        org.exfilguard.incident.ConsoleEscapes.text(String.valueOf(read.rejects().get(0))));
            }
            EvaluationResult r = Evaluation.evaluate(truth, read.alerts(), grace);
            out.println(r.render("Detector alerts (" + alertsFile + ", " + read.alerts().size() + " records)"));
        }
        if (staticEvents != null) {
            StaticThresholdRule rule = new StaticThresholdRule(threshold, new HashSet<>(
                    sensitiveTables == null ? SimulationSpec.DEFAULT_SENSITIVE_TABLES : sensitiveTables));
            StaticThresholdRule.RunResult run = rule.runOnCanonicalJson(staticEvents);
            if (staticAlertsOut != null) {
                try (BufferedWriter w = Files.newBufferedWriter(staticAlertsOut, StandardCharsets.UTF_8)) {
                    AlertJson.write(w, run.alerts());
                }
            }
            EvaluationResult r = Evaluation.evaluate(truth, run.alerts(), grace);
            out.println(r.render(String.format(Locale.ROOT,
                    "Static threshold: > %,d sensitive rows per account-hour (%,d events, %,d lines skipped)",
                    threshold, run.events(), run.skippedLines())));
        }
        out.flush();
        return 0;
    }
}
