package org.exfilguard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.exfilguard.config.BoundedRocksDbConfig;
import org.exfilguard.config.ExfilguardConfig;

/**
 * {@code bench state}: runs the detector over a backlog touching many keys with RocksDB memory bounded by
 * {@link BoundedRocksDbConfig} and the heap bounded by -Xmx, then reports bytes per tracked key on disk (the state
 * directory after a clean close, which flushes memtables) and in memory.
 */
public final class StateBench {

    static final String INPUT = "state-db-access";
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
            RunResult run;
            long liveHeap;
            long rss;
            long cacheUsage;
            try (BenchApp detector = options.detector().apply(config)) {
                run = Measurement.measure(
                        cluster,
                        "detector over " + String.format(Locale.ROOT, "%,d", profiles) + " profiles",
                        GROUP,
                        INPUT,
                        options.timeout(),
                        List.of(detector));
                liveHeap = ProcessStats.liveHeapBytes();
                rss = ProcessStats.rssBytes().orElse(-1);
                cacheUsage = BoundedRocksDbConfig.shared(cacheBytes, writeBufferBytes)
                        .cache()
                        .getUsage();
            }
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
            out.printf(
                    Locale.ROOT,
                    "%-44s %14s  (-Xmx %s)%n",
                    "live heap after GC",
                    Report.mib(liveHeap),
                    Report.mib(ProcessStats.maxHeapBytes()));
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
