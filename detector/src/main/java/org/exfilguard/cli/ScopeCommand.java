package org.exfilguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.exfilguard.eval.AlertFile;
import org.exfilguard.incident.BreachScope;
import org.exfilguard.incident.ConsoleEscapes;
import org.exfilguard.schema.ExfiltrationAlert;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scope}: the breach scope of one incident, or of the incidents in a time range, from alert records. */
@Command(
        name = "scope",
        mixinStandardHelpOptions = true,
        description = {
            "Print the breach scope an organisation must report, for one incident or all incidents whose "
                    + "reads overlap a time range: account, tables, rows at least and at most, time span, hosts, "
                    + "destinations and bytes out, from the incidents' latest records.",
            "Rows at most: the sum of the rows the incident's reads returned, from its first read to its last "
                    + "(a row read twice counts twice, so no more distinct rows were read). Rows at least: the most "
                    + "rows one statement returned. Per account: at most the sum, at least the largest, of its incidents'.",
            "Bytes out: bytes the reading hosts sent to destinations new for them within the egress horizon."
        })
public final class ScopeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--alerts",
            required = true,
            paramLabel = "ALERTS_JSONL",
            description = "Alert records as JSON lines (what backtest --alerts-out writes).")
    Path alertsFile;

    @Option(names = "--incident", paramLabel = "ID", description = "Only this incident.")
    String incidentId;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "Incidents whose reads end at or after this time (ISO-8601, e.g. 2026-03-02T00:00:00Z).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", description = "Incidents whose reads begin before this time.")
    Instant to;

    @Option(
            names = "--format",
            defaultValue = "text",
            paramLabel = "text|json",
            description = "Default: ${DEFAULT-VALUE}.")
    Format format;

    enum Format {
        text,
        json
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (incidentId != null && (from != null || to != null)) {
            err.println("give --incident or --from/--to, not both");
            return ExitCodes.USAGE;
        }
        if (from != null && to != null && !from.isBefore(to)) {
            err.println("--from must be before --to");
            return ExitCodes.USAGE;
        }
        AlertFile file;
        try {
            file = AlertFile.read(alertsFile);
        } catch (IOException e) {
            err.println("cannot read " + alertsFile + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        List<ExfiltrationAlert> records = file.alerts();
        if (!file.rejects().isEmpty()) {
            err.printf(
                    Locale.ROOT,
                    "%d alert lines rejected, first: %s%n",
                    file.rejects().size(),
                    ConsoleEscapes.text(file.rejects().get(0)));
        }
        BreachScope scope = BreachScope.of(records, incidentId, from, to);
        if (incidentId != null && scope.incidents().isEmpty()) {
            err.println(
                    scope.withoutTotals().isEmpty()
                            ? "no incident " + ConsoleEscapes.text(incidentId) + " in " + alertsFile
                            : "incident " + ConsoleEscapes.text(incidentId)
                                    + " has no totals (its records are of a build before totals)");
            out.flush();
            return 1;
        }
        out.print(format == Format.json ? scope.json().toPrettyString() + "\n" : scope.text());
        out.flush();
        return 0;
    }
}
