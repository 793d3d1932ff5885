package org.exfilguard.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.ingest.LogFileCursor;
import org.exfilguard.ingest.MergedLogs;
import org.exfilguard.ingest.ParserOptions;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replay}: log files to the canonical topics of a real cluster, merged in event-time order, each record
 * stamped with its event time, at a chosen pace. Checks first that the topics keep records that old.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        resourceBundle = "org.exfilguard.cli.OptionTexts",
        description = {
            "Replay log files into the canonical topics (db-access, egress) of a Kafka cluster, in event-time order, "
                    + "record timestamp = event time, for `run` to consume.",
            "Checks each topic's retention against the age of the oldest event: creates missing topics with retention.ms=-1 "
                    + "and refuses where the existing retention would let the broker delete the replayed records."
        },
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {
            "0:done",
            "1:done with every readable input, but some file could not be read to its end",
            "64:usage error or an output path it cannot write",
            "78:refused: a topic's retention would delete the replayed events"
        })
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(
            arity = "0..*",
            paramLabel = "FILE",
            description = "Log files, format detected per file (database or egress).")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--db-log",
            arity = "1..*",
            paramLabel = "FILE",
            description = "Database log files (format: --db-format or detected).")
    List<Path> dbLogs = new ArrayList<>();

    @Mixin
    LogInputOptions logInputs = new LogInputOptions();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(
            names = "--speed",
            paramLabel = "X",
            description = "Replay at X times real time (60 = an hour of logs a minute).")
    Double speed;

    @Option(
            names = "--max-rate",
            paramLabel = "N",
            description = "At most N events a second. Default: as fast as possible.")
    Double maxRate;

    @Option(
            names = "--create-topics",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Create missing topics with retention.ms=-1 (default: ${DEFAULT-VALUE}).")
    boolean createTopics;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "" + BacktestCommand.PARTITIONS,
            description = "Partitions of topics it creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    RejectOptions rejects = new RejectOptions();

    @Option(names = "--verbose", description = "Show Kafka's logs on the console.")
    boolean verbose;

    private final PrintStream out;
    private final PrintStream err;

    public ReplayCommand() {
        this(System.out, System.err);
    }

    /** For tests: explicit streams. */
    public ReplayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (speed != null && maxRate != null) {
            err.println("give --speed or --max-rate, not both");
            return ExitCodes.USAGE;
        }
        List<MergedLogs.Input> inputs;
        try {
            inputs = logInputs.inputs(files, dbLogs);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        if (inputs.isEmpty()) {
            err.println("no input files: give FILE..., --db-log or --egress-log");
            return ExitCodes.USAGE;
        }
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--rejects", rejects.file);
        Optional<String> unwritable = OutputPaths.check(outputs);
        if (unwritable.isPresent()) {
            err.println(unwritable.get());
            return ExitCodes.USAGE;
        }
        ExfilguardConfig config = configOptions.load(System.getenv(), configOptions.flags(cluster.flags()));
        Topics topics = config.topics();
        Pacer pacer = speed != null ? Pacer.speed(speed) : maxRate != null ? Pacer.maxRate(maxRate) : Pacer.unlimited();

        Instant began = Instant.now();
        try (RejectWriter rejectsOut = rejects.open();
                MergedLogs logs =
                        new MergedLogs(inputs, ParserOptions.defaults(), logInputs.reorderWindow, rejectsOut::write);
                Admin admin = Admin.create(clientSettings(config, AdminClientConfig.configNames()))) {
            Instant oldest = logs.peekTime();
            if (oldest == null) {
                err.println("no events in the input files");
                printCounts(logs);
                reportUnreadable(logs.counts(), err);
                return 1;
            }
            TopicRetention.Outcome topicsOk = TopicRetention.ensure(
                    admin,
                    List.of(topics.dbAccess(), topics.egress()),
                    oldest,
                    Instant.now(),
                    createTopics,
                    partitions);
            topicsOk.created()
                    .forEach(t ->
                            out.println("created topic " + t + " (" + partitions + " partitions, retention.ms=-1)"));
            if (!topicsOk.ok()) {
                err.println("replay refused:");
                topicsOk.problems().forEach(p -> err.println("  " + p));
                return ExitCodes.CONFIG;
            }
            Duration maxAhead = EventTimes.sendLimit(
                    TopicRetention.acceptedAhead(admin, List.of(topics.dbAccess(), topics.egress())),
                    config.maxFutureSkew());
            SchemaRegistryClient registry = new RestSchemaRegistryClient(config.registryClientConfig());
            Map<String, Object> producerProps = clientSettings(config, ProducerConfig.configNames());
            producerTuning(producerProps);
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
                EventFeeder feeder = new EventFeeder(
                        producer,
                        topics,
                        AvroSerde.of(DbAccessEvent.class, registry, false).serializer(),
                        AvroSerde.of(EgressEvent.class, registry, false).serializer(),
                        pacer,
                        Clock.systemUTC(),
                        maxAhead,
                        rejectsOut::write);
                ProgressBar.during(
                        "replay",
                        err,
                        () -> new ProgressBar.Snapshot(
                                feeder.fed(),
                                feeder.position(),
                                logs.totalBytes() == 0 ? Double.NaN : (double) logs.bytesRead() / logs.totalBytes()),
                        () -> feeder.feed(logs));
                Duration took = Duration.between(began, Instant.now());
                out.printf(
                        Locale.ROOT,
                        "replayed %,d events (%,d to %s, %,d to %s) from %s to %s in %.1f s, %,.0f events/s%n",
                        feeder.fed(),
                        feeder.dbEvents(),
                        topics.dbAccess(),
                        feeder.egressEvents(),
                        topics.egress(),
                        feeder.first(),
                        feeder.last(),
                        took.toMillis() / 1000.0,
                        feeder.fed() / Math.max(0.001, took.toMillis() / 1000.0));
                if (logs.late() > 0) {
                    out.printf(
                            Locale.ROOT,
                            "  %,d events were further out of order than --reorder-window and went out late%n",
                            logs.late());
                }
                printRefused(out, feeder, maxAhead);
                printAdvice(out, feeder);
                printCounts(logs);
                if (rejectsOut.summary() != null) {
                    out.println("  " + rejectsOut.summary());
                }
            }
            return reportUnreadable(logs.counts(), err) ? 1 : 0;
        }
    }

    /** Advice on how the sources log (no row counts, no accounts), with the setting to change. */
    static void printAdvice(PrintStream out, EventFeeder feeder) {
        feeder.advice().forEach(a -> out.println("  warning: " + a));
    }

    /** Events the feeder would not send because of their time, if any, and the bound they broke. */
    static void printRefused(PrintStream out, EventFeeder feeder, Duration maxAhead) {
        if (feeder.refusedTotal() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  %,d events rejected for their time, not sent %s (bounds: years 2000-2100, at most %s ahead of "
                            + "the wall clock); --rejects lists them%n",
                    feeder.refusedTotal(),
                    feeder.refused(),
                    TopicRetention.human(maxAhead));
        }
    }

    /** One line on {@code err} per input that could not be opened or read to its end; true when there was one. */
    static boolean reportUnreadable(List<MergedLogs.InputCounts> counts, PrintStream err) {
        boolean any = false;
        for (MergedLogs.InputCounts c : counts) {
            if (c.unreadable().isPresent()) {
                err.println(RejectWriter.field(c.source()) + ": " + LogFileCursor.CANNOT_READ + ": "
                        + c.unreadable().get());
                any = true;
            }
        }
        return any;
    }

    private void printCounts(MergedLogs logs) {
        for (MergedLogs.InputCounts c : logs.counts()) {
            out.printf(
                    Locale.ROOT,
                    "  %s (%s): %,d events, %,d rejected, %,d skipped%n",
                    c.source(),
                    c.format(),
                    c.events(),
                    c.rejects(),
                    c.skipped());
        }
    }

    /** The bootstrap servers and any pass-through setting the client knows (TLS, SASL, timeouts). */
    static Map<String, Object> clientSettings(ExfilguardConfig config, java.util.Set<String> known) {
        Map<String, Object> props = new LinkedHashMap<>();
        config.passThrough().forEach((k, v) -> {
            if (known.contains(k)) {
                props.put(k, v);
            }
        });
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS));
        return props;
    }

    /** Large compressed batches: replay is a bulk load; the default idempotent producer keeps per-partition order. */
    static void producerTuning(Map<String, Object> props) {
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    }
}
