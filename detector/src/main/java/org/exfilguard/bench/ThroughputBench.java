package org.exfilguard.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.config.StreamsSettings;

/**
 * {@code bench throughput}: produces the backlog once, then replays it through (a) a DSL windowed sum and (b) the
 * detector's full topology, both with exactly_once_v2 (the reference's window store without the record cache, the
 * detector's profile stores likewise), and prints events/s and b/a.
 */
public final class ThroughputBench {

    static final String INPUT = "bench-db-access";

    private final BenchOptions options;
    private final PrintStream out;

    public ThroughputBench(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public int run() throws Exception {
        out.println("bench throughput: " + options.describe());
        try (BenchCluster cluster = BenchCluster.start(options.workDir(), options.brokerHeap())) {
            out.println("broker JVM pid " + cluster.broker().pid() + " on " + cluster.bootstrapServers());
            cluster.createTopics(options.partitions(), INPUT, "bench-alerts", "bench-dlq");
            BenchWorkload workload = options.workload();
            BenchCluster.Produced produced = cluster.produce(INPUT,
                    sink -> workload.backlog(options.events(), BenchOptions.BACKLOG_START, BenchOptions.BACKLOG_SPAN, sink));
            out.printf(Locale.ROOT, "produced %,d events in %.1f s (%,.0f/s)%n", produced.events(),
                    RunResult.seconds(produced.took()), produced.perSecond());

            ExfilguardConfig referenceConfig = cluster.detectorConfig("bench-reference", options.workDir().resolve("state-reference"),
                    INPUT, "bench-alerts", "bench-dlq", Map.of());
            out.println("(a) reference: DSL groupByKey().windowedBy(1 h, no grace).aggregate(sum of rows), "
                    + ReferenceApp.processingGuarantee(StreamsSettings.of(referenceConfig)) + ", window store without the record cache ...");
            RunResult reference;
            try (ReferenceApp app = new ReferenceApp(referenceConfig, cluster.registryClient())) {
                reference = Measurement.measure(cluster, "(a) DSL windowed sum (reference)", "bench-reference", INPUT,
                        options.timeout(), List.of(app));
            }
            out.printf(Locale.ROOT, "    %,.0f events/s%n", reference.eventsPerSecond());

            ExfilguardConfig detectorConfig = cluster.detectorConfig("bench-detector", options.workDir().resolve("state-detector"),
                    INPUT, "bench-alerts", "bench-dlq", Map.of());
            out.println("(b) detector: full topology (decode, validate, read-profile over 4 windows, incidents), same settings ...");
            RunResult detector;
            try (BenchApp app = BenchApp.detector(detectorConfig)) {
                detector = Measurement.measure(cluster, "(b) detector (full topology)", "bench-detector", INPUT,
                        options.timeout(), List.of(app));
            }
            long alerts = cluster.readAlerts("bench-alerts").size();
            out.printf(Locale.ROOT, "    %,.0f events/s, %,d alert records%n", detector.eventsPerSecond(), alerts);

            double ratio = detector.eventsPerSecond() / reference.eventsPerSecond();
            out.println();
            Report.runTable(out, List.of(reference, detector));
            out.printf(Locale.ROOT, "ratio b/a: %.2f (throughput), CPU per event b/a: %.2f%n", ratio,
                    detector.cpuMicrosPerEvent() / reference.cpuMicrosPerEvent());
            out.println();
            out.println("README-ready:");
            out.println();
            out.printf(Locale.ROOT, "Throughput (`bench throughput --events %d --keys %d --seed %d`; %s; broker in its own JVM on the same %d cores; "
                            + "both runs exactly_once_v2, bounded RocksDB, no record cache on the reference's window store or the detector's profiles):%n%n",
                    options.events(), options.keys(), options.seed(), options.describe(), Runtime.getRuntime().availableProcessors());
            Report.markdownRuns(out, List.of(reference, detector));
            out.printf(Locale.ROOT, "%nThe detector runs at %.2f times the reference's rate (%,d alert records); producer %,.0f events/s.%n",
                    ratio, alerts, produced.perSecond());
            return 0;
        }
    }
}
