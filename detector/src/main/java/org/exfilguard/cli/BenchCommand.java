package org.exfilguard.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.exfilguard.bench.BenchOptions;
import org.exfilguard.bench.BenchWorkload;
import org.exfilguard.bench.LatencyBench;
import org.exfilguard.bench.ParseBench;
import org.exfilguard.bench.ScaleBench;
import org.exfilguard.bench.StateBench;
import org.exfilguard.bench.ThroughputBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: performance and scale measurements against a Kafka broker in its own JVM. Never part of the
 * test run: each mode takes minutes and its figures depend on the machine.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure throughput, alert latency, state size per key and scale-out on a broker in its own JVM.",
            "Kafka's own logs go to a new file per run, ${java.io.tmpdir}/exfilguard-<command>-<time>-<pid>.log, named on stderr (or the console with --verbose)."
        },
        subcommands = {
            BenchCommand.Throughput.class,
            BenchCommand.Latency.class,
            BenchCommand.State.class,
            BenchCommand.Scale.class,
            BenchCommand.Parse.class
        })
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Options every mode shares. */
    static final class Common {
        @Option(
                names = "--keys",
                paramLabel = "N",
                defaultValue = "100000",
                description = "Account/table keys (default ${DEFAULT-VALUE}).")
        int keys;

        @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--partitions",
                defaultValue = "4",
                description = "Partitions per topic (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(
                names = "--work-dir",
                paramLabel = "DIR",
                description = "Broker data and state stores (default: a new temporary directory).")
        Path workDir;

        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                defaultValue = "900",
                description = "Give up on a run after this long.")
        int timeoutSeconds;

        @Option(
                names = "--broker-heap",
                defaultValue = "1g",
                description = "-Xmx of the broker JVM (default ${DEFAULT-VALUE}).")
        String brokerHeap;

        @Option(
                names = "--mix",
                defaultValue = "uniform",
                paramLabel = "MIX",
                description =
                        "Row counts: uniform (every account may read anything, an alert record for about one event in sixty) "
                                + "or roles (each account keeps to one role's volumes, one extraction of at least 500,000 rows in 100,000 events) "
                                + "or realistic (throughput and latency; elsewhere as roles: the roles reads and 8 network flows per read on their own topic, mostly internal "
                                + "or to known destinations, a long tail of destinations, a few busy hosts); default ${DEFAULT-VALUE}.")
        BenchWorkload.Mix mix;

        @Option(names = "--verbose", description = "Show Kafka's logs on the console.")
        boolean verbose;

        BenchOptions options(long events) throws java.io.IOException {
            Path dir =
                    workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("exfilguard-bench");
            return new BenchOptions(
                    events,
                    keys,
                    seed,
                    partitions,
                    dir,
                    Duration.ofSeconds(timeoutSeconds),
                    brokerHeap,
                    mix,
                    DetectorBenchApp::new);
        }
    }

    @Command(
            name = "throughput",
            mixinStandardHelpOptions = true,
            description = "Events/s of a DSL windowed sum (a) and of the detector (b) over the same backlog, and b/a.")
    static final class Throughput implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Common common;

        @Option(
                names = "--events",
                defaultValue = "5000000",
                description = "Backlog events (default ${DEFAULT-VALUE}).")
        long events;

        @Override
        public Integer call() throws Exception {
            return new ThroughputBench(common.options(events), System.out).run();
        }
    }

    @Command(
            name = "latency",
            mixinStandardHelpOptions = true,
            description =
                    "Wall time from producing the event that crosses the threshold to its alert on the alerts topic.")
    static final class Latency implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Common common;

        @Option(
                names = "--events",
                defaultValue = "300000",
                description = "History events before the live phase (default ${DEFAULT-VALUE}).")
        long events;

        @Option(
                names = "--rate",
                defaultValue = "20000",
                description = "Live input rate, events/s (default ${DEFAULT-VALUE}).")
        int rate;

        @Option(
                names = "--extractions",
                defaultValue = "100",
                description = "Extractions injected (default ${DEFAULT-VALUE}).")
        int extractions;

        @Option(
                names = "--interval-ms",
                defaultValue = "400",
                description = "Wall time between extractions (default ${DEFAULT-VALUE}).")
        int intervalMs;

        @Option(
                names = "--extraction-rows",
                defaultValue = "500000",
                description = "Rows read by each extraction (default ${DEFAULT-VALUE}).")
        long extractionRows;

        @Option(
                names = "--set",
                paramLabel = "KEY=VALUE",
                description = "Detector configuration for the measured run, repeatable (e.g. commit.interval.ms=500).")
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            return new LatencyBench(
                            common.options(events),
                            rate,
                            extractions,
                            Duration.ofMillis(intervalMs),
                            extractionRows,
                            java.util.Map.copyOf(settings),
                            System.out)
                    .run();
        }
    }

    @Command(
            name = "state",
            mixinStandardHelpOptions = true,
            description =
                    "Bytes of state per tracked key on disk (RocksDB) and in memory, with RocksDB memory and the heap bounded.")
    static final class State implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Common common;

        @Option(
                names = "--events",
                defaultValue = "3000000",
                description = "Backlog events (default ${DEFAULT-VALUE}); use with --keys 1000000.")
        long events;

        @Option(
                names = "--hosts",
                defaultValue = "0",
                description =
                        "Instead of reads, --events network flows from this many hosts (the realistic mix of"
                                + " bench throughput --mix realistic): state per tracked host and the heap. 0 (default): reads.")
        int hosts;

        @Override
        public Integer call() throws Exception {
            StateBench bench = new StateBench(common.options(events), System.out);
            return hosts > 0 ? bench.runHosts(hosts) : bench.run();
        }
    }

    @Command(
            name = "scale",
            mixinStandardHelpOptions = true,
            description =
                    "Two instances with one application id: the same alerts as one instance, and their throughput.")
    static final class Scale implements java.util.concurrent.Callable<Integer> {
        @Mixin
        Common common;

        @Option(
                names = "--events",
                defaultValue = "1000000",
                description = "Backlog events (default ${DEFAULT-VALUE}).")
        long events;

        @Override
        public Integer call() throws Exception {
            return new ScaleBench(common.options(events), System.out).run();
        }
    }

    @Command(
            name = "parse",
            mixinStandardHelpOptions = true,
            description =
                    "Entries/s of the MySQL slow-log and Zeek conn parsers on generated lines in memory (no broker).")
    static final class Parse implements java.util.concurrent.Callable<Integer> {
        @Option(
                names = "--entries",
                defaultValue = "1000000",
                description = "Entries per parser and round (default ${DEFAULT-VALUE}).")
        int entries;

        @Option(
                names = "--rounds",
                defaultValue = "3",
                description = "Rounds; the first warms the JIT (default ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() {
            return new ParseBench(entries, rounds, System.out).run();
        }
    }
}
