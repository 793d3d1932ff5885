package org.exfilguard.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.sim.BackgroundFlows;

/**
 * {@code bench latency}: the detector learns a fortnight of history, then live input arrives at a steady rate with
 * extractions injected at known moments; for each, the wall time from sending the crossing event to its alert
 * being readable (read_committed) on the alerts topic. With {@code --mix realistic} the history and the live input
 * carry {@value BenchWorkload#FLOWS_PER_READ} network flows per read on their own topic ({@link BackgroundFlows}),
 * and the rate counts both.
 */
public final class LatencyBench {

    static final String INPUT = "latency-db-access";
    static final String EGRESS_INPUT = "latency-egress";
    static final String ALERTS = "latency-alerts";
    static final String GROUP = "bench-latency";
    /** History ends a day before the live phase, so every incident it opened has closed when the live phase starts. */
    static final Duration HISTORY_GAP = Duration.ofDays(1);

    static final Duration WARM_UP = Duration.ofSeconds(3);
    static final Duration DRAIN = Duration.ofSeconds(30);

    private final BenchOptions options;
    private final int rate;
    private final int extractions;
    private final Duration interval;
    private final long extractionRows;
    /** Detector configuration for the measured run, applied over the bench's own. */
    private final Map<String, String> settings;

    private final PrintStream out;
    /** The detector's commit interval, printed with the figures: an alert is visible once its transaction commits. */
    private String commitIntervalMs = "?";

    public LatencyBench(
            BenchOptions options,
            int rate,
            int extractions,
            Duration interval,
            long extractionRows,
            Map<String, String> settings,
            PrintStream out) {
        this.options = options;
        this.settings = settings;
        this.rate = rate;
        this.extractions = extractions;
        this.interval = interval;
        this.extractionRows = extractionRows;
        this.out = out;
    }

    public int run() throws Exception {
        out.printf(
                Locale.ROOT,
                "bench latency: history %s; live %,d events/s, %d extractions of %,d rows every %d ms%n",
                options.describe(),
                rate,
                extractions,
                extractionRows,
                interval.toMillis());
        try (BenchCluster cluster = BenchCluster.start(options.workDir(), options.brokerHeap())) {
            cluster.createTopics(options.partitions(), INPUT, EGRESS_INPUT, ALERTS, "latency-dlq");
            BenchWorkload workload = options.workload();
            Instant liveStart = Instant.now();
            Instant historyStart = liveStart.minus(BenchOptions.BACKLOG_SPAN);
            Duration historySpan = BenchOptions.BACKLOG_SPAN.minus(HISTORY_GAP);
            long reads = withFlows() ? options.events() / (1 + BenchWorkload.FLOWS_PER_READ) : options.events();
            cluster.produce(INPUT, sink -> workload.backlog(reads, historyStart, historySpan, sink));
            Map<String, Object> detectorSettings = new LinkedHashMap<>();
            if (withFlows()) {
                BackgroundFlows egress = egressWorkload(workload);
                long flows = options.events() - reads;
                long start = historyStart.toEpochMilli();
                long span = historySpan.toMillis();
                cluster.produceEgress(EGRESS_INPUT, sink -> {
                    for (long i = 0; i < flows; i++) {
                        sink.accept(egress.next(Instant.ofEpochMilli(start + (long) ((double) i * span / flows))));
                    }
                });
                detectorSettings.put(ExfilguardConfig.TOPIC_EGRESS, EGRESS_INPUT);
                detectorSettings.put(ExfilguardConfig.KNOWN_DESTINATIONS, BackgroundFlows.KNOWN_DESTINATIONS);
            }
            detectorSettings.putAll(settings);
            ExfilguardConfig config = cluster.detectorConfig(
                    GROUP, options.workDir().resolve("state-latency"), INPUT, ALERTS, "latency-dlq", detectorSettings);
            commitIntervalMs = String.valueOf(org.exfilguard.config.StreamsSettings.of(config)
                    .get(org.apache.kafka.streams.StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
            try (BenchApp detector = options.detector().apply(config)) {
                RunResult history = Measurement.measure(
                        cluster, "history catch-up", GROUP, inputs(), options.timeout(), List.of(detector));
                out.printf(
                        Locale.ROOT,
                        "history of %,d events processed at %,.0f events/s%n",
                        history.events(),
                        history.eventsPerSecond());
                return live(cluster, workload, detector);
            }
        }
    }

    private boolean withFlows() {
        return options.mix() == BenchWorkload.Mix.REALISTIC;
    }

    private List<String> inputs() {
        return withFlows() ? List.of(INPUT, EGRESS_INPUT) : List.of(INPUT);
    }

    /** The same hosts for history and live input: the live flows meet the destinations the history taught. */
    private BackgroundFlows egressWorkload(BenchWorkload workload) {
        return new BackgroundFlows(
                Math.max(BackgroundFlows.BUSY_HOSTS + 1, Math.min(workload.accounts(), 20_000)),
                options.seed(),
                BenchWorkload.SOURCE_FORMAT);
    }

    private int live(BenchCluster cluster, BenchWorkload workload, BenchApp detector) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
        Map<String, List<String>> recordsByAccount = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread watcher = new Thread(
                () -> watchAlerts(cluster, sentAt, arrivedAt, recordsByAccount, stop), "bench-alert-watcher");
        watcher.start();
        Thread.sleep(1000); // the watcher is assigned and positioned at the end before anything is injected

        long perInterval = Math.max(1, rate * interval.toMillis() / 1000);
        long warmUp = rate * WARM_UP.toSeconds();
        long total = warmUp + perInterval * extractions;
        long nanosPerEvent = 1_000_000_000L / rate;
        int accounts = workload.accounts();
        long stride = accounts % 7919 == 0 ? 1 : 7919;
        int injected = 0;
        // Every (1 + flows per read)-th event is a read, the others flows; the rate counts both.
        int cycle = withFlows() ? 1 + BenchWorkload.FLOWS_PER_READ : 1;
        BackgroundFlows egress = egressWorkload(workload);
        long t0 = System.nanoTime();
        long maxBehindNanos = 0;
        BenchCluster.Sends readSends = new BenchCluster.Sends(INPUT);
        BenchCluster.Sends flowSends = new BenchCluster.Sends(EGRESS_INPUT);
        long reads = 0;
        long flows = 0;
        try (KafkaProducer<String, DbAccessEvent> producer = cluster.producer(5);
                KafkaProducer<String, EgressEvent> flowProducer = cluster.egressProducer(5)) {
            for (long i = 0; i < total; i++) {
                long due = t0 + i * nanosPerEvent;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                } else {
                    maxBehindNanos = Math.max(maxBehindNanos, now - due);
                }
                Instant at = Instant.now();
                if (i % cycle == 0) {
                    producer.send(BenchCluster.record(INPUT, workload.next(at)), readSends.callback());
                    reads++;
                } else {
                    flowProducer.send(BenchCluster.record(EGRESS_INPUT, egress.next(at)), flowSends.callback());
                    flows++;
                }
                if (i >= warmUp && (i - warmUp) % perInterval == 0 && injected < extractions) {
                    int account = (int) ((injected * stride + 1) % accounts);
                    // A distinct event time per extraction: the alert's detected_at names the event that crossed.
                    DbAccessEvent grab = BenchWorkload.extraction(account, extractionRows, at.plusMillis(1));
                    sentAt.put(matchKey(grab.getAccount(), grab.getEventTime()), System.nanoTime());
                    producer.send(BenchCluster.record(INPUT, grab), readSends.callback());
                    reads++;
                    injected++;
                }
                if ((i & 0xfff) == 0) {
                    detector.check();
                }
            }
            producer.flush();
            flowProducer.flush();
        }
        readSends.check(reads);
        flowSends.check(flows);
        double liveSeconds = (System.nanoTime() - t0) / 1e9;
        // Latency is only meaningful if the detector keeps up with the rate: report how far behind it was.
        long lagAtEnd = 0;
        for (String input : inputs()) {
            lagAtEnd += cluster.lag(GROUP, input);
        }
        long drainUntil = System.nanoTime() + DRAIN.toNanos();
        while (arrivedAt.size() < sentAt.size() && System.nanoTime() < drainUntil) {
            Thread.sleep(100);
        }
        stop.set(true);
        watcher.join(10_000);

        List<Double> latencies = new ArrayList<>();
        sentAt.forEach((key, sent) -> {
            Long arrived = arrivedAt.get(key);
            if (arrived != null) {
                latencies.add((arrived - sent) / 1e6);
            }
        });
        latencies.sort(Double::compare);
        int missed = sentAt.size() - latencies.size();
        out.println();
        out.printf(
                Locale.ROOT,
                "live phase: %,d events%s in %.1f s (%,.0f/s offered, producer at most %.0f ms behind schedule)%n",
                total + injected,
                withFlows()
                        ? String.format(Locale.ROOT, " (%,d of them flows)", total - (total + cycle - 1) / cycle)
                        : "",
                liveSeconds,
                (total + injected) / liveSeconds,
                maxBehindNanos / 1e6);
        out.printf(
                Locale.ROOT,
                "detector lag when the live phase ended: %,d events (%s)%n",
                lagAtEnd,
                lagAtEnd <= rate
                        ? "kept up"
                        : String.format(Locale.ROOT, "fell behind by %.1f s of input", (double) lagAtEnd / rate));
        out.printf(
                Locale.ROOT,
                "%-28s %8s %8s %8s %8s %8s%n",
                "extraction → alert",
                "n",
                "p50 ms",
                "p99 ms",
                "max ms",
                "missed");
        out.printf(
                Locale.ROOT,
                "%-28s %8d %8.0f %8.0f %8.0f %8d%n",
                "wall time",
                latencies.size(),
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                percentile(latencies, 1.0),
                missed);
        // A miss is worth a look: name the extraction and every record its account did get.
        sentAt.keySet().stream()
                .filter(key -> !arrivedAt.containsKey(key))
                .sorted()
                .forEach(key -> {
                    String account = key.substring(0, key.indexOf('@'));
                    out.printf(
                            Locale.ROOT,
                            "  missed %s at %s; records for the account during the run: %s%n",
                            account,
                            Instant.ofEpochMilli(Long.parseLong(key.substring(key.indexOf('@') + 1))),
                            recordsByAccount.getOrDefault(account, List.of()));
                });
        out.println();
        out.println("README-ready:");
        out.println();
        out.printf(
                Locale.ROOT,
                "Alert latency (`bench latency --mix %s --rate %d --extractions %d --interval-ms %d`): with input at %,d events/s "
                        + "and %d extractions of %,d rows injected, the wall time from producing the crossing event to its alert being "
                        + "readable (read_committed) on the alerts topic was p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d of %d alerted; "
                        + "exactly_once_v2 with commit.interval.ms=%s, so an alert waits for its transaction to commit).%n",
                options.mix().name().toLowerCase(Locale.ROOT),
                rate,
                extractions,
                interval.toMillis(),
                rate,
                extractions,
                extractionRows,
                percentile(latencies, 0.50),
                percentile(latencies, 0.99),
                percentile(latencies, 1.0),
                latencies.size(),
                sentAt.size(),
                commitIntervalMs);
        return missed == 0 ? 0 : 1;
    }

    private void watchAlerts(
            BenchCluster cluster,
            Map<String, Long> sentAt,
            Map<String, Long> arrivedAt,
            Map<String, List<String>> recordsByAccount,
            AtomicBoolean stop) {
        try (KafkaConsumer<String, ExfiltrationAlert> consumer = cluster.alertConsumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(ALERTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (!stop.get()) {
                for (ConsumerRecord<String, ExfiltrationAlert> record : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    ExfiltrationAlert alert = record.value();
                    recordsByAccount
                            .computeIfAbsent(alert.getAccount(), a -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(alert.getStatus() + " " + alert.getTable() + " at " + alert.getDetectedAt() + " ("
                                    + alert.getObservedRows() + " rows)");
                    String key = matchKey(alert.getAccount(), alert.getDetectedAt());
                    if (sentAt.containsKey(key)) {
                        arrivedAt.putIfAbsent(key, now);
                    }
                }
            }
        }
    }

    private static String matchKey(String account, Instant eventTime) {
        return account + "@" + eventTime.toEpochMilli();
    }

    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
