package org.exfilguard.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.config.StreamsSettings;
import org.exfilguard.sim.BackgroundFlows;

/**
 * {@code bench throughput}: produces the backlog once, then replays it through (a) a DSL windowed sum and (b) the
 * detector's full topology, both with exactly_once_v2 (the reference's window store without the record cache, the
 * detector's profile stores likewise), and prints events/s and b/a.
 */
public final class ThroughputBench {

    static final String INPUT = "bench-db-access";
    static final String EGRESS_INPUT = "bench-egress";

    private final BenchOptions options;
    private final PrintStream out;

    public ThroughputBench(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public int run() throws Exception {
        if (options.mix() == BenchWorkload.Mix.REALISTIC) {
            return runRealistic();
        }
        out.println("bench throughput: " + options.describe());
        try (BenchCluster cluster = BenchCluster.start(options.workDir(), options.brokerHeap())) {
            out.println("broker JVM pid " + cluster.broker().pid() + " on " + cluster.bootstrapServers());
            cluster.createTopics(options.partitions(), INPUT, "bench-alerts", "bench-dlq");
            BenchWorkload workload = options.workload();
            BenchCluster.Produced produced = cluster.produce(
                    INPUT,
                    sink -> workload.backlog(
                            options.events(), BenchOptions.BACKLOG_START, BenchOptions.BACKLOG_SPAN, sink));
            out.printf(
                    Locale.ROOT,
                    "produced %,d events in %.1f s (%,.0f/s)%n",
                    produced.events(),
                    RunResult.seconds(produced.took()),
                    produced.perSecond());

            RunResult reference = measureReference(
                    cluster,
                    "DSL groupByKey().windowedBy(1 h, no grace).aggregate(sum of rows)",
                    "(a) DSL windowed sum (reference)",
                    false);
            RunResult detector = measureDetector(
                    cluster, "full topology (decode, validate, read-profile over 4 windows, incidents)", false);
            long alerts = cluster.readAlerts("bench-alerts").size();
            out.printf(Locale.ROOT, "    %,.0f events/s, %,d alert records%n", detector.eventsPerSecond(), alerts);

            double ratio = detector.eventsPerSecond() / reference.eventsPerSecond();
            out.println();
            Report.runTable(out, List.of(reference, detector));
            out.printf(
                    Locale.ROOT,
                    "ratio b/a: %.2f (throughput), CPU per event b/a: %.2f%n",
                    ratio,
                    detector.cpuMicrosPerEvent() / reference.cpuMicrosPerEvent());
            out.println();
            out.println("README-ready:");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "Throughput (`bench throughput --events %d --keys %d --seed %d`; %s; broker in its own JVM on the same %d cores; "
                            + "both runs exactly_once_v2, bounded RocksDB, no record cache on the reference's window store or the detector's profiles):%n%n",
                    options.events(),
                    options.keys(),
                    options.seed(),
                    options.describe(),
                    Runtime.getRuntime().availableProcessors());
            Report.markdownRuns(out, List.of(reference, detector));
            out.printf(
                    Locale.ROOT,
                    "%nThe detector runs at %.2f times the reference's rate (%,d alert records); producer %,.0f events/s.%n",
                    ratio,
                    alerts,
                    produced.perSecond());
            return 0;
        }
    }

    /**
     * {@code --mix realistic}: reads (the roles mix) and {@value BenchWorkload#FLOWS_PER_READ} times as many flows
     * ({@link BackgroundFlows}) on their own topics; the reference sums both.
     */
    private int runRealistic() throws Exception {
        long reads = options.events() / (1 + BenchWorkload.FLOWS_PER_READ);
        long flows = options.events() - reads;
        BenchWorkload workload = options.workload();
        int hosts = Math.max(BackgroundFlows.BUSY_HOSTS + 1, Math.min(workload.accounts(), 20_000));
        out.println("bench throughput: " + options.describe());
        out.printf(
                Locale.ROOT,
                "realistic mix: %,d reads on %s and %,d flows on %s (%d flows per read) over %,d hosts: "
                        + "%d%% internal, %d%% to known destinations (%s), the rest a long tail; %d busy hosts carry %d%% of the flows%n",
                reads,
                INPUT,
                flows,
                EGRESS_INPUT,
                BenchWorkload.FLOWS_PER_READ,
                hosts,
                BackgroundFlows.INTERNAL_PERCENT,
                BackgroundFlows.KNOWN_PERCENT,
                BackgroundFlows.KNOWN_DESTINATIONS,
                BackgroundFlows.BUSY_HOSTS,
                BackgroundFlows.BUSY_PERCENT);
        try (BenchCluster cluster = BenchCluster.start(options.workDir(), options.brokerHeap())) {
            out.println("broker JVM pid " + cluster.broker().pid() + " on " + cluster.bootstrapServers());
            cluster.createTopics(options.partitions(), INPUT, EGRESS_INPUT, "bench-alerts", "bench-dlq");
            BenchCluster.Produced producedReads = cluster.produce(
                    INPUT,
                    sink -> workload.backlog(reads, BenchOptions.BACKLOG_START, BenchOptions.BACKLOG_SPAN, sink));
            BackgroundFlows egress = new BackgroundFlows(hosts, options.seed(), BenchWorkload.SOURCE_FORMAT);
            long span = BenchOptions.BACKLOG_SPAN.toMillis();
            long start = BenchOptions.BACKLOG_START.toEpochMilli();
            BenchCluster.Produced producedFlows = cluster.produceEgress(EGRESS_INPUT, sink -> {
                for (long i = 0; i < flows; i++) {
                    sink.accept(
                            egress.next(java.time.Instant.ofEpochMilli(start + (long) ((double) i * span / flows))));
                }
            });
            out.printf(
                    Locale.ROOT,
                    "produced %,d reads in %.1f s and %,d flows in %.1f s%n",
                    producedReads.events(),
                    RunResult.seconds(producedReads.took()),
                    producedFlows.events(),
                    RunResult.seconds(producedFlows.took()));
            RunResult reference = measureReference(
                    cluster,
                    "DSL merge(reads, flows).groupByKey().windowedBy(1 h, no grace).aggregate(sum)",
                    "(a) DSL windowed sum of both topics (reference)",
                    true);
            RunResult detector = measureDetector(cluster, "full topology (reads and egress, correlation)", true);
            List<org.exfilguard.schema.ExfiltrationAlert> alerts = cluster.readAlerts("bench-alerts");
            long escalated = alerts.stream()
                    .filter(a -> a.getKind() == org.exfilguard.schema.AlertKind.READ_THEN_EGRESS)
                    .count();
            out.printf(
                    Locale.ROOT,
                    "    %,.0f events/s, %,d alert records (%,d READ_THEN_EGRESS)%n",
                    detector.eventsPerSecond(),
                    alerts.size(),
                    escalated);
            double ratio = detector.eventsPerSecond() / reference.eventsPerSecond();
            out.println();
            Report.runTable(out, List.of(reference, detector));
            out.printf(
                    Locale.ROOT,
                    "ratio b/a: %.2f (throughput), CPU per event: %.1f µs (a), %.1f µs (b), b/a %.2f%n",
                    ratio,
                    reference.cpuMicrosPerEvent(),
                    detector.cpuMicrosPerEvent(),
                    detector.cpuMicrosPerEvent() / reference.cpuMicrosPerEvent());
            return 0;
        }
    }

    /**
     * (a): the DSL windowed sum over the input (with {@code withEgress}, over the reads and the flows), with the
     * detector's settings; prints and returns its rate.
     */
    private RunResult measureReference(BenchCluster cluster, String topology, String name, boolean withEgress)
            throws Exception {
        ExfilguardConfig config = cluster.detectorConfig(
                "bench-reference",
                options.workDir().resolve("state-reference"),
                INPUT,
                "bench-alerts",
                "bench-dlq",
                settings(withEgress));
        out.println("(a) reference: " + topology + ", " + ReferenceApp.processingGuarantee(StreamsSettings.of(config))
                + ", window store without the record cache ...");
        RunResult reference;
        try (ReferenceApp app = new ReferenceApp(config, cluster.registryClient(), withEgress)) {
            reference = Measurement.measure(
                    cluster, name, "bench-reference", inputs(withEgress), options.timeout(), List.of(app));
        }
        out.printf(Locale.ROOT, "    %,.0f events/s%n", reference.eventsPerSecond());
        return reference;
    }

    /** (b): the detector's full topology with the same settings as the reference. */
    private RunResult measureDetector(BenchCluster cluster, String topology, boolean withEgress) throws Exception {
        ExfilguardConfig config = cluster.detectorConfig(
                "bench-detector",
                options.workDir().resolve("state-detector"),
                INPUT,
                "bench-alerts",
                "bench-dlq",
                settings(withEgress));
        out.println("(b) detector: " + topology + ", same settings ...");
        try (BenchApp app = options.detector().apply(config)) {
            return Measurement.measure(
                    cluster,
                    "(b) detector (full topology)",
                    "bench-detector",
                    inputs(withEgress),
                    options.timeout(),
                    List.of(app));
        }
    }

    /** With the flows, the detector reads them from their own topic and knows the workload's destinations. */
    private static Map<String, Object> settings(boolean withEgress) {
        return withEgress
                ? Map.of(
                        ExfilguardConfig.TOPIC_EGRESS,
                        EGRESS_INPUT,
                        ExfilguardConfig.KNOWN_DESTINATIONS,
                        BackgroundFlows.KNOWN_DESTINATIONS)
                : Map.of();
    }

    private static List<String> inputs(boolean withEgress) {
        return withEgress ? List.of(INPUT, EGRESS_INPUT) : List.of(INPUT);
    }
}
