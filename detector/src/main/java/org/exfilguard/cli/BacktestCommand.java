package org.exfilguard.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.config.DetectionSettingsFactory;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.embedded.Processing;
import org.exfilguard.ingest.MergedLogs;
import org.exfilguard.ingest.ParserOptions;
import org.exfilguard.report.HtmlReport;
import org.exfilguard.report.VolumeSeries;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.topology.DeadLetters;
import org.exfilguard.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code backtest}: log files through the detector's own topology on an in-process broker and schema registry,
 * alerts to a JSON-lines file (sorted, so the same input gives the same bytes), an optional HTML report, and a
 * summary. The events reach the topology exactly as {@code replay} sends them to a real cluster.
 */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        resourceBundle = "org.exfilguard.cli.OptionTexts",
        description = {
            "Run log files through the detector on an embedded Kafka broker and schema registry; write the alerts "
                    + "as JSON lines (sorted by detected_at, then alert_id) and optionally an HTML report.",
            "Kafka's own logs go to a new file per run, ${java.io.tmpdir}/exfilguard-<command>-<time>-<pid>.log, named on stderr (or the console with --verbose)."
        },
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {
            "0:done, every input file read",
            "1:done with every readable input, but some file could not be "
                    + "opened or read to its end (named on stderr); or the run failed",
            "64:usage error or an output path it cannot write"
        })
public final class BacktestCommand implements Callable<Integer> {

    /**
     * Partitions of every partitioned topic backtest creates. One constant because the detector joins db-access
     * and egress data by key, which needs co-partitioned topics: db-access, egress and the signal topics between
     * them must have the same count.
     */
    public static final int PARTITIONS = 4;
    /** {@code read.profile.write.cache.bytes} of a backtest unless {@code --set} says otherwise. */
    static final long BACKTEST_PROFILE_WRITE_CACHE_BYTES = 64L << 20;

    static final String APPLICATION_ID = "exfilguard-backtest";

    @Option(
            names = "--db-log",
            arity = "1..*",
            required = true,
            paramLabel = "FILE",
            description = "Database log files.")
    List<Path> dbLogs = new ArrayList<>();

    @Mixin
    LogInputOptions logInputs = new LogInputOptions();

    @Option(
            names = "--sensitive-tables",
            paramLabel = "TABLES",
            description = "Comma-separated sensitive tables (db.table or table).")
    String sensitiveTables;

    @Option(
            names = "--alerts-out",
            required = true,
            paramLabel = "FILE",
            description = "Alerts as JSON lines, one alert per line.")
    Path alertsOut;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write a self-contained HTML report.")
    Path report;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Mixin
    RejectOptions rejects = new RejectOptions();

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "1800",
            description =
                    "Give up if the detector has not processed the input within this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--verbose", description = "Show Kafka's logs on the console.")
    boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    public BacktestCommand() {
        this(System.out, System.err);
    }

    /** For tests: explicit streams. */
    public BacktestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        List<MergedLogs.Input> inputs;
        try {
            inputs = logInputs.inputs(List.of(), dbLogs);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--alerts-out", alertsOut);
        outputs.put("--report", report);
        outputs.put("--rejects", rejects.file);
        Optional<String> unwritable = OutputPaths.check(outputs);
        if (unwritable.isPresent()) {
            err.println(unwritable.get());
            return ExitCodes.USAGE;
        }
        // A bad detection key (sensitive.columns, windows, ...) is refused now, not after minutes of feeding (the
        // addresses are placeholders: the broker and registry start below).
        DetectionSettings detection =
                DetectionSettingsFactory.from(config("localhost:9092", "http://localhost:8081", Path.of(".")));
        long began = System.nanoTime();
        Path stateDir = Files.createTempDirectory("exfilguard-backtest-state");
        // The broker expires an idle producer's state by the timestamp of its last record, and backtested records
        // carry old event times: the periodic check would expire the detector's transactional producers mid-run.
        // Historic logs may hold a host's skewed clock: the broker takes any timestamp (Kafka's default refuses an
        // hour ahead), so the bound is the detector's own (event.max.future.skew.hours), applied by the feeder.
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                        .brokerProperty("producer.id.expiration.check.interval.ms", Integer.toString(Integer.MAX_VALUE))
                        .brokerProperty("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE))
                        .build()
                        .start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            ExfilguardConfig config = config(kafka.bootstrapServers(), registry.url(), stateDir);
            Topics topics = config.topics();
            createTopics(kafka, topics);
            SchemaRegistryClient client =
                    new RestSchemaRegistryClient(Map.of(ExfilguardConfig.SCHEMA_REGISTRY_URL, registry.url()));

            // Everything is on the broker before the detector starts: each task then sees all its partitions'
            // records and interleaves them by timestamp, the same way on every run.
            long feedStart = System.nanoTime();
            EventFeeder feeder;
            List<MergedLogs.InputCounts> counts;
            long late;
            RejectWriter rejectsWritten;
            try (RejectWriter rejectsOut = rejects.open();
                    MergedLogs logs = new MergedLogs(
                            inputs, ParserOptions.defaults(), logInputs.reorderWindow, rejectsOut::write);
                    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                            producerProps(kafka.bootstrapServers()),
                            new StringSerializer(),
                            new ByteArraySerializer())) {
                feeder = new EventFeeder(
                        producer,
                        topics,
                        AvroSerde.of(DbAccessEvent.class, client, false).serializer(),
                        AvroSerde.of(EgressEvent.class, client, false).serializer(),
                        Pacer.unlimited(),
                        Clock.systemUTC(),
                        config.maxFutureSkew(),
                        rejectsOut::write);
                EventFeeder f = feeder;
                ProgressBar.during(
                        "backtest: feeding  ",
                        err,
                        () -> new ProgressBar.Snapshot(
                                f.fed(),
                                f.position(),
                                logs.totalBytes() == 0 ? Double.NaN : (double) logs.bytesRead() / logs.totalBytes()),
                        () -> f.feed(logs));
                feeder.endOfInput(PARTITIONS, PARTITIONS);
                counts = logs.counts();
                late = logs.late();
                rejectsWritten = rejectsOut;
            }
            Duration feeding = Duration.ofNanos(System.nanoTime() - feedStart);

            long detectStart = System.nanoTime();
            List<ExfiltrationAlert> alerts;
            try (DetectorRunner detector = new DetectorRunner(config).start()) {
                detector.awaitRunning(Duration.ofSeconds(60));
                awaitProcessed(kafka, topics, feeder, detector);
                alerts = readAlerts(kafka.bootstrapServers(), topics.alerts(), client);
            }
            Duration detecting = Duration.ofNanos(System.nanoTime() - detectStart);
            Map<String, Long> deadLetters = countDeadLetters(kafka.bootstrapServers(), topics.deadLetters());

            alerts.sort(ALERT_ORDER);
            writeAlerts(alerts, alertsOut);
            Duration total = Duration.ofNanos(System.nanoTime() - began);
            Map<String, String> figures =
                    summarise(counts, late, feeder, alerts, deadLetters, feeding, detecting, total);
            if (rejectsWritten.summary() != null) {
                out.println("  " + rejectsWritten.summary());
            }
            if (report != null) {
                long reportStart = System.nanoTime();
                VolumeSeries series = VolumeSeries.collect(alerts, inputs, detection.personalReads());
                Files.writeString(
                        report,
                        HtmlReport.render("exfilguard backtest", alerts, series, figures),
                        StandardCharsets.UTF_8);
                out.printf(Locale.ROOT, "wrote %s (%.1f s)%n", report, (System.nanoTime() - reportStart) / 1e9);
            }
            // Everything readable went through the detector; the status still says that some input did not.
            return ReplayCommand.reportUnreadable(counts, err) ? 1 : 0;
        } finally {
            deleteRecursively(stateDir);
        }
    }

    /** Alert file order: event time of detection, then id; the topic's order depends on partitioning and timing. */
    static final Comparator<ExfiltrationAlert> ALERT_ORDER =
            Comparator.comparing(ExfiltrationAlert::getDetectedAt).thenComparing(ExfiltrationAlert::getAlertId);

    private ExfilguardConfig config(String bootstrap, String registryUrl, Path stateDir) {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put(ExfilguardConfig.APPLICATION_ID, APPLICATION_ID);
        flags.put(ExfilguardConfig.STATE_DIR, stateDir.toString());
        flags.put(ExfilguardConfig.METRICS_PORT, "-1");
        // Fewer, larger transactions: nobody watches the alerts live, and each commit costs a round of markers.
        flags.put("commit.interval.ms", "1000");
        flags.put(
                "num.stream.threads",
                Integer.toString(
                        Math.max(1, Math.min(PARTITIONS, Runtime.getRuntime().availableProcessors()))));
        // No task waits for its other partitions (max.task.idle.ms as in a live run): the read-then-egress
        // correlation is judged in event time whichever side runs ahead (see EgressCorrelator), so the alerts do not
        // depend on the interleaving, and neither side is held back by the other.
        // Historic logs arrive as fast as the broker serves them, so a busy account's profile is rewritten hundreds of
        // times per commit: coalescing those writes saves most of the store work and changes no alert.
        flags.put(ExfilguardConfig.READ_PROFILE_WRITE_CACHE_BYTES, Long.toString(BACKTEST_PROFILE_WRITE_CACHE_BYTES));
        // The correlation waits for both sides however long one takes (the input ends with an end-of-input record):
        // what a busy machine delays, it does not change.
        flags.put(ExfilguardConfig.CORRELATION_IDLE_SECONDS, "0");
        // Every partition ends with an end-of-input record, which ends its peer days: no read task follows another's
        // day by wall time, which a loaded machine could make it do before its own reads are in.
        flags.put(ExfilguardConfig.CORRELATION_FOLLOW_MS, "0");
        flags.putAll(configOptions.settings);
        flags.put(ExfilguardConfig.BOOTSTRAP_SERVERS, bootstrap);
        flags.put(ExfilguardConfig.SCHEMA_REGISTRY_URL, registryUrl);
        if (sensitiveTables != null) {
            flags.put(ExfilguardConfig.SENSITIVE_TABLES, sensitiveTables);
        }
        return configOptions.load(Map.of(), flags);
    }

    static void createTopics(EmbeddedKafka kafka, Topics topics) {
        // Backtested events are days or weeks old: retention must not age them out by timestamp.
        Map<String, String> keep = Map.of("retention.ms", "-1");
        for (String t : List.of(
                topics.dbAccess(),
                topics.egress(),
                topics.readSignals(),
                topics.egressUpdates(),
                topics.tableReads(),
                topics.peerDays())) {
            kafka.createTopic(t, PARTITIONS, keep);
        }
        List<String> single = new ArrayList<>(topics.outputs());
        single.addAll(List.of(topics.rawDbLogs(), topics.rawEgressLogs()));
        for (String t : single) {
            kafka.createTopic(t, 1, keep);
        }
    }

    private static Map<String, Object> producerProps(String bootstrap) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        ReplayCommand.producerTuning(props);
        return props;
    }

    private void awaitProcessed(EmbeddedKafka kafka, Topics topics, EventFeeder feeder, DetectorRunner detector)
            throws Exception {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        List<String> inputs = new ArrayList<>(List.of(topics.dbAccess()));
        java.util.SortedSet<String> assigned = awaitAssignment(kafka);
        // Egress counts only once the topology reads it.
        long total = feeder.dbEvents();
        if (assigned.contains(topics.egress())) {
            inputs.add(topics.egress());
            total += feeder.egressEvents();
        }
        long all = total;
        long[] done = {0};
        ProgressBar.during(
                "backtest: detecting",
                err,
                () -> new ProgressBar.Snapshot(
                        done[0], feeder.timeAt(done[0]), all == 0 ? 1.0 : (double) done[0] / all),
                () -> Processing.awaitCommitted(
                        kafka.admin(),
                        APPLICATION_ID,
                        inputs,
                        timeout,
                        n -> done[0] = n,
                        () -> detector.failure() != null));
        List<String> internal =
                assigned.stream().filter(t -> !inputs.contains(t)).toList();
        Processing.awaitDrained(kafka.admin(), APPLICATION_ID, internal, timeout, () -> detector.failure() != null);
    }

    private static java.util.SortedSet<String> awaitAssignment(EmbeddedKafka kafka) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            java.util.SortedSet<String> assigned = Processing.assignedTopics(kafka.admin(), APPLICATION_ID);
            if (!assigned.isEmpty() || Instant.now().isAfter(deadline)) {
                return assigned;
            }
            Thread.sleep(100);
        }
    }

    static List<ExfiltrationAlert> readAlerts(String bootstrap, String topic, SchemaRegistryClient client) {
        List<ExfiltrationAlert> alerts = new ArrayList<>();
        readCommitted(
                bootstrap,
                topic,
                new StringDeserializer(),
                AvroSerde.of(ExfiltrationAlert.class, client, false).deserializer(),
                r -> alerts.add(r.value()),
                "the alerts topic");
        return alerts;
    }

    /**
     * Dead letters by reason, counted record by record: the topic's end offset also counts the transaction markers
     * exactly-once writes after each commit.
     */
    static Map<String, Long> countDeadLetters(String bootstrap, String topic) {
        Map<String, Long> byReason = new TreeMap<>();
        readCommitted(
                bootstrap,
                topic,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                r -> {
                    String reason = DeadLetters.header(r.headers(), DeadLetters.REASON);
                    byReason.merge(reason == null ? "?" : reason, 1L, Long::sum);
                },
                "the dead-letter topic");
        return byReason;
    }

    /** Every committed record of the topic, from its start to its last stable offset, within a minute. */
    private static <K, V> void readCommitted(
            String bootstrap,
            String topic,
            org.apache.kafka.common.serialization.Deserializer<K> keys,
            org.apache.kafka.common.serialization.Deserializer<V> values,
            java.util.function.Consumer<ConsumerRecord<K, V>> each,
            String what) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed these are the last stable offsets: everything the detector committed.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + what + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }

    static void writeAlerts(List<ExfiltrationAlert> alerts, Path file) throws IOException {
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16)) {
            for (ExfiltrationAlert a : alerts) {
                w.write(JsonRecords.toJson(a));
                w.write('\n');
            }
        }
    }

    private Map<String, String> summarise(
            List<MergedLogs.InputCounts> counts,
            long late,
            EventFeeder feeder,
            List<ExfiltrationAlert> alerts,
            Map<String, Long> deadLetterReasons,
            Duration feeding,
            Duration detecting,
            Duration total) {
        Map<String, String> figures = new LinkedHashMap<>();
        out.println("backtest summary");
        for (MergedLogs.InputCounts c : counts) {
            out.printf(
                    Locale.ROOT,
                    "  %s (%s): %,d events in, %,d rejected, %,d skipped%n",
                    c.source(),
                    c.format(),
                    c.events(),
                    c.rejects(),
                    c.skipped());
            figures.put(
                    "input " + c.source(),
                    String.format(
                            Locale.ROOT,
                            "%s: %,d events, %,d rejected, %,d skipped",
                            c.format(),
                            c.events(),
                            c.rejects(),
                            c.skipped()));
        }
        long rejected =
                counts.stream().mapToLong(MergedLogs.InputCounts::rejects).sum();
        out.printf(
                Locale.ROOT,
                "  events fed: %,d (%,d database, %,d egress), event time %s .. %s%n",
                feeder.fed(),
                feeder.dbEvents(),
                feeder.egressEvents(),
                feeder.first(),
                feeder.last());
        figures.put(
                "events fed",
                String.format(
                        Locale.ROOT,
                        "%,d (%,d database, %,d egress)",
                        feeder.fed(),
                        feeder.dbEvents(),
                        feeder.egressEvents()));
        figures.put("rejected entries", String.format(Locale.ROOT, "%,d", rejected + feeder.refusedTotal()));
        figures.put("event time", feeder.first() + " .. " + feeder.last());
        if (late > 0) {
            out.printf(
                    Locale.ROOT,
                    "  %,d events were further out of order than --reorder-window and went in late%n",
                    late);
        }
        ReplayCommand.printRefused(out, feeder, feeder.maxAhead());
        ReplayCommand.printAdvice(out, feeder);
        long deadLetters =
                deadLetterReasons.values().stream().mapToLong(Long::longValue).sum();
        out.printf(
                Locale.ROOT,
                "  dead letters (events the detector refused): %,d%s%n",
                deadLetters,
                deadLetterReasons.isEmpty() ? "" : " " + deadLetterReasons);
        figures.put("dead letters", String.format(Locale.ROOT, "%,d", deadLetters));
        long incidents =
                alerts.stream().map(ExfiltrationAlert::getIncidentId).distinct().count();
        String byStatus = tally(alerts, a -> a.getStatus().name());
        String byKind = tally(alerts, a -> a.getKind().name());
        String bySeverity = tally(alerts, a -> a.getSeverity().name());
        out.printf(
                Locale.ROOT,
                "  alerts: %d records in %d incidents; status %s; kind %s; severity %s%n",
                alerts.size(),
                incidents,
                byStatus,
                byKind,
                bySeverity);
        // Suppressed records are published and marked, never dropped: the summary says how many and by which rule.
        Map<String, Long> byRule = new TreeMap<>();
        alerts.stream()
                .filter(ExfiltrationAlert::getSuppressed)
                .forEach(a -> byRule.merge(
                        a.getSuppressionReason() == null
                                ? "?"
                                : a.getSuppressionReason().replaceFirst(" \\(owner.*", ""),
                        1L,
                        Long::sum));
        long suppressed = byRule.values().stream().mapToLong(Long::longValue).sum();
        out.printf(
                Locale.ROOT,
                "  suppressed: %d records%s%n",
                suppressed,
                byRule.isEmpty() ? "" : " " + org.exfilguard.incident.ConsoleEscapes.text(byRule.toString()));
        figures.put("suppressed", Long.toString(suppressed));
        figures.put("alerts", String.format(Locale.ROOT, "%d records in %d incidents", alerts.size(), incidents));
        figures.put("by status", byStatus);
        figures.put("by kind", byKind);
        figures.put("by severity", bySeverity);
        double seconds = total.toNanos() / 1e9;
        double pipeline = (feeding.toNanos() + detecting.toNanos()) / 1e9;
        String speed = String.format(
                Locale.ROOT,
                "%,.0f events/s end to end (%,d events in %.1f s, broker start-up included); "
                        + "%,.0f events/s parse+feed+detect (%.1f s feeding, %.1f s detecting)",
                feeder.fed() / seconds,
                feeder.fed(),
                seconds,
                feeder.fed() / Math.max(pipeline, 0.001),
                feeding.toNanos() / 1e9,
                detecting.toNanos() / 1e9);
        out.println("  throughput: " + speed);
        figures.put("throughput", speed);
        out.println("wrote " + alertsOut + " (" + alerts.size() + " alerts)");
        return figures;
    }

    private static String tally(List<ExfiltrationAlert> alerts, Function<ExfiltrationAlert, String> key) {
        Map<String, Long> counts =
                alerts.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
        return counts.isEmpty()
                ? "-"
                : counts.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "));
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is not worth failing a finished backtest for.
        }
    }
}
