package org.exfilguard.bench;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * {@code bench scale}: the same backlog through one instance, then through two instances sharing one application
 * id (two state directories): the two must split the partitions and publish exactly the alert ids one instance
 * publishes. Both instances run in this JVM, on the same cores as the broker, so their combined rate shows the
 * overhead of splitting rather than a speed-up; on a cluster each instance brings its own cores.
 */
public final class ScaleBench {

    static final String INPUT = "scale-db-access";

    /** How the measured figures carry over to a cluster; printed with the results for README. */
    static final String SCALING_GUIDE = """
            Scaling on a cluster: the unit of parallelism is the partition of `db-access` (keyed by account, so all of an
            account's reads and its profiles live in one task). Run up to one instance (or stream thread,
            `num.stream.threads`) per partition with the same `application.id`; Kafka Streams moves tasks and their RocksDB
            stores between instances on a rebalance, restoring a moved store from its changelog. Create `db-access` with
            the partitions you may ever need (12 or 24 is cheap; repartitioning later reshuffles accounts and their state):
            throughput grows with instances until instances equal partitions, each instance adding about the single-instance
            rate measured above per core it has. Set `num.standby.replicas=1` so a standby keeps a warm copy of every store on
            another instance and fail-over takes seconds instead of a changelog replay. Give each instance its own persistent
            `state.dir` volume sized from `bench state` (bytes per key times its share of keys, x2 for compaction) and bound
            its memory with `rocksdb.block.cache.bytes` and -Xmx.""";

    private final BenchOptions options;
    private final PrintStream out;

    public ScaleBench(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public int run() throws Exception {
        out.println("bench scale: " + options.describe());
        try (BenchCluster cluster = BenchCluster.start(options.workDir(), options.brokerHeap())) {
            cluster.createTopics(
                    options.partitions(),
                    INPUT,
                    "scale-alerts-one",
                    "scale-alerts-two",
                    "scale-dlq-one",
                    "scale-dlq-two");
            BenchWorkload workload = options.workload();
            cluster.produce(
                    INPUT,
                    sink -> workload.backlog(
                            options.events(), BenchOptions.BACKLOG_START, BenchOptions.BACKLOG_SPAN, sink));
            cluster.endOfInput(INPUT, BenchOptions.BACKLOG_START.plus(BenchOptions.BACKLOG_SPAN));

            // Both runs wait for every side (no idle give-up), the input ends with an end-of-input record on every
            // partition, and each run stops only when its internal topics are drained: what they publish is then a
            // function of the input alone, not of how long each ran, and the two can be compared record for record.
            Map<String, Object> eventTimeOnly = Map.of(ExfilguardConfig.CORRELATION_IDLE_SECONDS, 0);
            ExfilguardConfig one = cluster.detectorConfig(
                    "bench-scale-one",
                    options.workDir().resolve("state-one"),
                    INPUT,
                    "scale-alerts-one",
                    "scale-dlq-one",
                    eventTimeOnly);
            RunResult single;
            try (BenchApp app = options.detector().apply(one)) {
                single = Measurement.measure(
                        cluster, "one instance", "bench-scale-one", INPUT, options.timeout(), List.of(app));
                cluster.awaitInternalDrained("bench-scale-one", List.of(INPUT), options.timeout());
            }
            out.printf(Locale.ROOT, "one instance: %,.0f events/s%n", single.eventsPerSecond());

            String twoId = "bench-scale-two";
            // Two instances of one application: the same id and outputs, each its own state directory.
            Function<String, BenchApp> instance = stateDir -> options.detector()
                    .apply(cluster.detectorConfig(
                            twoId,
                            options.workDir().resolve(stateDir),
                            INPUT,
                            "scale-alerts-two",
                            "scale-dlq-two",
                            eventTimeOnly));
            BenchApp first = instance.apply("state-two-a");
            BenchApp second = instance.apply("state-two-b");
            RunResult pair;
            Map<String, List<Integer>> split;
            try (first;
                    second) {
                pair = Measurement.measure(
                        cluster,
                        "two instances, one application id",
                        twoId,
                        INPUT,
                        options.timeout(),
                        List.of(first, second));
                cluster.awaitInternalDrained(twoId, List.of(INPUT), options.timeout());
                split = cluster.assignments(twoId, INPUT);
            }
            out.printf(
                    Locale.ROOT, "two instances: %,.0f events/s; partitions held: %s%n", pair.eventsPerSecond(), split);

            List<ExfiltrationAlert> alertsOne = cluster.readAlerts("scale-alerts-one");
            List<ExfiltrationAlert> alertsTwo = cluster.readAlerts("scale-alerts-two");
            Set<String> idsOne = ids(alertsOne);
            Set<String> idsTwo = ids(alertsTwo);
            Set<String> onlyOne = new HashSet<>(idsOne);
            onlyOne.removeAll(idsTwo);
            Set<String> onlyTwo = new HashSet<>(idsTwo);
            onlyTwo.removeAll(idsOne);
            boolean same = onlyOne.isEmpty() && onlyTwo.isEmpty() && alertsOne.size() == alertsTwo.size();
            boolean bothWorked = split.size() == 2 && split.values().stream().noneMatch(List::isEmpty);

            out.println();
            Report.runTable(out, List.of(single, pair));
            out.printf(
                    Locale.ROOT,
                    "alerts: one instance %,d records (%,d ids), two instances %,d records (%,d ids); "
                            + "only in one: %d, only in two: %d -> %s%n",
                    alertsOne.size(),
                    idsOne.size(),
                    alertsTwo.size(),
                    idsTwo.size(),
                    onlyOne.size(),
                    onlyTwo.size(),
                    same ? "IDENTICAL" : "DIFFERENT");
            describe("only in one instance's", alertsOne, onlyOne);
            describe("only in two instances'", alertsTwo, onlyTwo);
            out.printf(
                    "partitions split between the two instances: %s -> %s%n",
                    split, bothWorked ? "both worked" : "NOT SPLIT");
            out.println();
            out.println("README-ready:");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "Scale-out (`bench scale --events %d --partitions %d`): two instances with one application id split the "
                            + "%d partitions (%s) and published the same %,d alert ids as one instance (%s). On this machine both instances, "
                            + "the broker and the producer share 2 cores, so two instances ran at %,.0f events/s against %,.0f for one "
                            + "(%.2fx): splitting costs little, and the gain comes from the cores each instance brings on a real cluster.%n",
                    options.events(),
                    options.partitions(),
                    options.partitions(),
                    split.values(),
                    idsTwo.size(),
                    same ? "identical sets, no duplicates" : "DIFFERENT sets",
                    pair.eventsPerSecond(),
                    single.eventsPerSecond(),
                    pair.eventsPerSecond() / single.eventsPerSecond());
            out.println();
            out.println(SCALING_GUIDE);
            return same && bothWorked ? 0 : 1;
        }
    }

    /** Names the first few records of a difference, so a failed comparison says which incidents differ. */
    private void describe(String which, List<ExfiltrationAlert> alerts, Set<String> ids) {
        alerts.stream()
                .filter(a -> ids.contains(a.getAlertId()))
                .limit(10)
                .forEach(a -> out.printf(
                        Locale.ROOT,
                        "  %s alerts: %s %s %s account=%s table=%s window=%s detected=%s rows=%d%n",
                        which,
                        a.getAlertId(),
                        a.getStatus(),
                        a.getSeverity(),
                        a.getAccount(),
                        a.getTable(),
                        a.getWindow(),
                        a.getDetectedAt(),
                        a.getObservedRows()));
    }

    private static Set<String> ids(List<ExfiltrationAlert> alerts) {
        Set<String> ids = new HashSet<>();
        alerts.forEach(a -> ids.add(a.getAlertId()));
        return ids;
    }
}
