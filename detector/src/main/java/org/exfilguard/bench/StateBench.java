package org.exfilguard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.exfilguard.config.BoundedRocksDbConfig;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.ingest.InternalNetworks;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.sim.BackgroundFlows;

/**
 * {@code bench state}: runs the detector over a backlog touching many keys with RocksDB memory bounded by
 * {@link BoundedRocksDbConfig} and the heap bounded by -Xmx, then reports bytes per tracked key on disk (the state
 * directory after a clean close, which flushes memtables) and in memory.
 */
public final class StateBench {

    static final String INPUT = "state-db-access";
    static final String EGRESS_INPUT = "state-egress";
    static final String GROUP = "bench-state";

    private final BenchOptions options;
    private final PrintStream out;

    public StateBench(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public int run() throws Exception {
        out.println("bench state: " + options.describe());
        try (BenchCluster cluster = BenchCluster.start(options.workDir(), options.brokerHeap())) {
            cluster.createTopics(options.partitions(), INPUT, "state-alerts", "state-dlq");
            BenchWorkload workload = options.workload();
            BitSet tableKeys = new BitSet(workload.keys());
            BitSet accounts = new BitSet(workload.accounts());
            cluster.produce(
                    INPUT,
                    sink -> workload.backlog(
                            options.events(), BenchOptions.BACKLOG_START, BenchOptions.BACKLOG_SPAN, event -> {
                                int table = BenchWorkload.SENSITIVE_TABLES.indexOf(
                                        event.getTables().get(0));
                                if (table >= 0) {
                                    int account =
                                            Integer.parseInt(event.getAccount().substring("acct-".length()));
                                    tableKeys.set(account * 2 + table);
                                    accounts.set(account);
                                }
                                sink.accept(event);
                            }));
            // The detector keeps one profile per (account, sensitive table) and one per account across its tables.
            long profiles = (long) tableKeys.cardinality() + accounts.cardinality();
            Path stateDir = options.workDir().resolve("state-state");
            ExfilguardConfig config =
                    cluster.detectorConfig(GROUP, stateDir, INPUT, "state-alerts", "state-dlq", Map.of());
            long cacheBytes = config.getLong(ExfilguardConfig.ROCKSDB_BLOCK_CACHE_BYTES);
            long writeBufferBytes = config.getLong(ExfilguardConfig.ROCKSDB_WRITE_BUFFER_BYTES);
            Measured measured =
                    measure(cluster, config, String.format(Locale.ROOT, "%,d", profiles) + " profiles", INPUT);
            RunResult run = measured.run();
            long liveHeap = measured.liveHeap();
            long rss = measured.rss();
            long cacheUsage = measured.cacheUsage();
            long disk = directoryBytes(stateDir);
            long sst = directoryBytes(stateDir, ".sst");

            out.println();
            Report.runTable(out, List.of(run));
            out.printf(Locale.ROOT, "%-44s %,14d%n", "(account, table) keys tracked", tableKeys.cardinality());
            out.printf(Locale.ROOT, "%-44s %,14d%n", "profiles stored (+ one per account, all tables)", profiles);
            out.printf(
                    Locale.ROOT,
                    "%-44s %14s  %6.0f B per (account, table) key, %6.0f B per profile%n",
                    "RocksDB on disk after close",
                    Report.mib(disk),
                    (double) disk / tableKeys.cardinality(),
                    (double) disk / profiles);
            out.printf(Locale.ROOT, "%-44s %14s%n", "  of which SST files", Report.mib(sst));
            out.printf(
                    Locale.ROOT,
                    "%-44s %14s  (bound %s, memtables at most %s)%n",
                    "RocksDB shared block cache in use",
                    Report.mib(cacheUsage),
                    Report.mib(cacheBytes),
                    Report.mib(writeBufferBytes));
            printLiveHeap(liveHeap);
            out.printf(
                    Locale.ROOT,
                    "%-44s %14s  (peak %s)%n",
                    "process RSS at the end",
                    Report.mib(rss),
                    Report.mib(run.peakRssBytes()));
            out.println();
            out.println("README-ready:");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "State (`bench state --keys %d --events %d`, heap bounded at %s): %,d (account, table) keys (%,d profiles with the "
                            + "per-account ones) after %d days of event time take %s of RocksDB on disk, about %.0f bytes per key "
                            + "(%.0f per profile), plus their changelog topics on the brokers. Memory is bounded: RocksDB is "
                            + "bounded by `rocksdb.block.cache.bytes` (%s, memtables included) and the live heap was %s; the process "
                            + "peaked at %s RSS. Size volumes at about %.0f bytes per key with headroom for compaction (x2).%n",
                    options.keys(),
                    options.events(),
                    Report.mib(ProcessStats.maxHeapBytes()),
                    tableKeys.cardinality(),
                    profiles,
                    BenchOptions.BACKLOG_SPAN.toDays(),
                    Report.mib(disk),
                    (double) disk / tableKeys.cardinality(),
                    (double) disk / profiles,
                    Report.mib(cacheBytes),
                    Report.mib(liveHeap),
                    Report.mib(run.peakRssBytes()),
                    (double) disk / tableKeys.cardinality());
            return 0;
        }
    }

    /**
     * {@code bench state --hosts N}: {@code --events} flows of the realistic mix ({@link BackgroundFlows}) from
     * {@code hosts} hosts over the backlog's fortnight, and nothing else. The hosts tracked are those with a flow the
     * egress side keeps (external, not to a known destination); the state per host is the state directory after a
     * clean close over them, and the heap is the live heap after GC under the -Xmx the bench runs with.
     */
    public int runHosts(int hosts) throws Exception {
        out.println("bench state: " + String.format(Locale.ROOT, "%,d flows from %,d hosts", options.events(), hosts)
                + ", " + BenchOptions.BACKLOG_SPAN.toDays() + " days of event time, seed " + options.seed() + ", "
                + options.partitions() + " partitions");
        try (BenchCluster cluster = BenchCluster.start(options.workDir(), options.brokerHeap())) {
            cluster.createTopics(options.partitions(), INPUT, EGRESS_INPUT, "state-alerts", "state-dlq");
            BackgroundFlows flows = new BackgroundFlows(hosts, options.seed(), BenchWorkload.SOURCE_FORMAT);
            InternalNetworks internal = InternalNetworks.defaults();
            InternalNetworks known = InternalNetworks.of(List.of(BackgroundFlows.KNOWN_DESTINATIONS));
            Set<String> tracked = new HashSet<>();
            Map<String, Set<String>> destinations = new HashMap<>();
            long span = BenchOptions.BACKLOG_SPAN.toMillis();
            long start = BenchOptions.BACKLOG_START.toEpochMilli();
            long events = options.events();
            BenchCluster.Produced produced = cluster.produceEgress(EGRESS_INPUT, sink -> {
                for (long i = 0; i < events; i++) {
                    EgressEvent flow = flows.next(Instant.ofEpochMilli(start + (long) ((double) i * span / events)));
                    if (!internal.isInternal(flow.getDstIp()) && !known.isInternal(flow.getDstIp())) {
                        tracked.add(flow.getSrcIp());
                        destinations
                                .computeIfAbsent(flow.getSrcIp(), h -> new HashSet<>())
                                .add(flow.getDstIp());
                    }
                    sink.accept(flow);
                }
            });
            int busiest =
                    destinations.values().stream().mapToInt(Set::size).max().orElse(0);
            int hostsTracked = tracked.size();
            // The bench's own bookkeeping must not count in the detector's live heap measured below.
            tracked.clear();
            destinations.clear();
            out.printf(
                    Locale.ROOT,
                    "produced %,d flows in %.1f s: %,d hosts with external flows (the busiest to %,d distinct destinations)%n",
                    produced.events(),
                    RunResult.seconds(produced.took()),
                    hostsTracked,
                    busiest);
            Path stateDir = options.workDir().resolve("state-hosts");
            ExfilguardConfig config = cluster.detectorConfig(
                    GROUP,
                    stateDir,
                    INPUT,
                    "state-alerts",
                    "state-dlq",
                    Map.of(
                            ExfilguardConfig.TOPIC_EGRESS,
                            EGRESS_INPUT,
                            ExfilguardConfig.KNOWN_DESTINATIONS,
                            BackgroundFlows.KNOWN_DESTINATIONS));
            Measured measured =
                    measure(cluster, config, String.format(Locale.ROOT, "%,d", hostsTracked) + " hosts", EGRESS_INPUT);
            RunResult run = measured.run();
            long liveHeap = measured.liveHeap();
            long disk = directoryBytes(stateDir);
            out.println();
            Report.runTable(out, List.of(run));
            out.printf(Locale.ROOT, "%-44s %,14d%n", "hosts tracked (external flows)", hostsTracked);
            out.printf(
                    Locale.ROOT,
                    "%-44s %14s  %6.0f B per host%n",
                    "RocksDB on disk after close",
                    Report.mib(disk),
                    (double) disk / Math.max(1, hostsTracked));
            printLiveHeap(liveHeap);
            out.printf(Locale.ROOT, "%-44s %14s%n", "process RSS, peak", Report.mib(run.peakRssBytes()));
            return 0;
        }
    }

    /** A run of the detector over the backlog, and the memory it holds at the end, before it closes. */
    private record Measured(RunResult run, long liveHeap, long rss, long cacheUsage) {}

    private Measured measure(BenchCluster cluster, ExfilguardConfig config, String over, String input)
            throws Exception {
        long cacheBytes = config.getLong(ExfilguardConfig.ROCKSDB_BLOCK_CACHE_BYTES);
        long writeBufferBytes = config.getLong(ExfilguardConfig.ROCKSDB_WRITE_BUFFER_BYTES);
        try (BenchApp detector = options.detector().apply(config)) {
            RunResult run = Measurement.measure(
                    cluster, "detector over " + over, GROUP, input, options.timeout(), List.of(detector));
            return new Measured(
                    run,
                    ProcessStats.liveHeapBytes(),
                    ProcessStats.rssBytes().orElse(-1),
                    BoundedRocksDbConfig.shared(cacheBytes, writeBufferBytes)
                            .cache()
                            .getUsage());
        }
    }

    private void printLiveHeap(long liveHeap) {
        out.printf(
                Locale.ROOT,
                "%-44s %14s  (-Xmx %s)%n",
                "live heap after GC",
                Report.mib(liveHeap),
                Report.mib(ProcessStats.maxHeapBytes()));
    }

    static long directoryBytes(Path dir) {
        return directoryBytes(dir, "");
    }

    static long directoryBytes(Path dir, String suffix) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(suffix))
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
