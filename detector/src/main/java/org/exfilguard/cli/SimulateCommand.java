package org.exfilguard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.exfilguard.sim.BackgroundFlows;
import org.exfilguard.sim.SimulationFiles;
import org.exfilguard.sim.SimulationSpec;
import org.exfilguard.sim.WorkloadSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate}: writes a labelled workload (database log, egress log, truth) for replay and evaluation. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = "Generate a labelled workload: a database access log, an egress log and the truth of the "
                + "injected extractions. The same seed gives the same bytes.")
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Directory for the output files.")
    Path outDir;

    @Option(
            names = "--preset",
            defaultValue = "demo",
            paramLabel = "demo|standard|extended",
            description = "demo: 15 days, 25 accounts, one smash-and-grab by jdoe on the last day. "
                    + "standard: 28 days, 60 accounts, each of the first seven scenario kinds twice. "
                    + "extended: standard with 76 accounts, plus night-time reads, slow drifts, concurrent "
                    + "readers, small reads then egress, first-day egress (twice each), and the benign "
                    + "look-alikes: two late shifts and a period end. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: the preset's).")
    Long seed;

    @Option(names = "--days", paramLabel = "N", description = "Days to simulate (default: the preset's).")
    Integer days;

    @Option(names = "--start", paramLabel = "INSTANT", description = "First day, ISO-8601, e.g. 2026-03-02T00:00:00Z.")
    Instant start;

    @Option(names = "--analysts", paramLabel = "N", description = "Number of analysts (default: the preset's).")
    Integer analysts;

    @Option(names = "--service-accounts", paramLabel = "N", description = "Number of service accounts.")
    Integer serviceAccounts;

    @Option(
            names = "--service-peak-per-hour",
            paramLabel = "N",
            description = "Statements per hour at peak for the busiest service account.")
    Integer servicePeak;

    @Option(
            names = "--flows-per-read",
            defaultValue = "0",
            paramLabel = "N",
            description = "Add N unlabelled background flows after each database event, at its time: "
                    + BackgroundFlows.INTERNAL_PERCENT + "%% internal, " + BackgroundFlows.KNOWN_PERCENT
                    + "%% to known destinations (" + BackgroundFlows.KNOWN_DESTINATIONS + ", configure it as "
                    + "egress.known.destinations), the rest to each host's usual sites with a long tail of new ones; "
                    + BackgroundFlows.BUSY_HOSTS + " busy hosts carry " + BackgroundFlows.BUSY_PERCENT
                    + "%% of them. Hosts are 10.0.x.y, apart from "
                    + "the rostered accounts, so the labelled scenarios and the truth stay the same. "
                    + "Default: ${DEFAULT-VALUE} (none).")
    int flowsPerRead;

    @Option(
            names = "--background-hosts",
            defaultValue = "2000",
            paramLabel = "N",
            description = "Hosts of the background flows (5..65536). Default: ${DEFAULT-VALUE}.")
    int backgroundHosts;

    @Option(
            names = "--format",
            split = ",",
            defaultValue = "slowlog,canonical",
            paramLabel = "slowlog|canonical",
            description = "slowlog: mysql-slow.log + conn.log (Zeek); canonical: db-access.jsonl + egress.jsonl. "
                    + "Default: ${DEFAULT-VALUE}.")
    List<String> formats;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimulationSpec simSpec;
        switch (preset.toLowerCase(Locale.ROOT)) {
            case "demo" -> simSpec = SimulationSpec.demo();
            case "standard" -> simSpec = SimulationSpec.standard(seed == null ? 1L : seed);
            case "extended" -> simSpec = SimulationSpec.extended(seed == null ? 1L : seed);
            default -> {
                err.println("unknown preset '" + preset + "': use demo, standard or extended");
                return ExitCodes.USAGE;
            }
        }
        Set<SimulationFiles.Format> fmt = EnumSet.noneOf(SimulationFiles.Format.class);
        for (String f : formats) {
            switch (f.trim().toLowerCase(Locale.ROOT)) {
                case "slowlog" -> fmt.add(SimulationFiles.Format.SLOWLOG);
                case "canonical" -> fmt.add(SimulationFiles.Format.CANONICAL);
                default -> {
                    err.println("unknown format '" + f + "': use slowlog or canonical");
                    return ExitCodes.USAGE;
                }
            }
        }
        try {
            if (seed != null) {
                simSpec = simSpec.withSeed(seed);
            }
            if (days != null) {
                simSpec = simSpec.withDays(days);
            }
            if (start != null) {
                simSpec = simSpec.withStart(start);
            }
            if (analysts != null) {
                simSpec = simSpec.withPopulation(simSpec.population().withAnalysts(analysts));
            }
            if (serviceAccounts != null) {
                simSpec = simSpec.withPopulation(simSpec.population().withServiceAccounts(serviceAccounts));
            }
            if (servicePeak != null) {
                simSpec = simSpec.withPopulation(simSpec.population().withServicePeakPerHour(servicePeak));
            }
            long t0 = System.nanoTime();
            WorkloadSimulator sim = new WorkloadSimulator(simSpec);
            SimulationFiles.Summary s = SimulationFiles.write(
                    sim, outDir, fmt, new SimulationFiles.Background(flowsPerRead, backgroundHosts));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            out.printf(
                    Locale.ROOT,
                    "simulated %s preset, seed %d, %d days from %s, %d accounts%n",
                    preset,
                    simSpec.seed(),
                    simSpec.days(),
                    simSpec.start(),
                    sim.accounts().size());
            out.printf(
                    Locale.ROOT,
                    "events: %,d database, %,d egress, %s .. %s (%.1f s)%n",
                    s.dbEvents(),
                    s.egressEvents(),
                    s.firstEvent(),
                    s.lastEvent(),
                    took.toMillis() / 1000.0);
            out.printf(Locale.ROOT, "incidents: %d %s%n", s.truth().size(), s.incidentsByKind());
            s.truth()
                    .forEach(t -> out.printf(
                            Locale.ROOT,
                            "  %-26s %-20s %-14s %s .. %s %,d rows%s%n",
                            t.scenarioId(),
                            t.account(),
                            t.table(),
                            t.start(),
                            t.end(),
                            t.rows(),
                            t.egressDstIp() == null ? "" : " -> " + t.egressDstIp()));
            s.files().forEach(f -> out.println("wrote " + f));
            out.flush();
            return 0;
        } catch (IllegalArgumentException ex) {
            err.println("cannot simulate: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
