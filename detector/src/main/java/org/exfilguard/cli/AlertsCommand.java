package org.exfilguard.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.exfilguard.config.ConfigLoader;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.incident.ConsoleEscapes;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.RestSchemaRegistryClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code alerts}: prints the detector's alerts from the alerts topic, as text for a person, JSON lines for
 * scripts, or OCSF Detection Findings for a SIEM. Reads committed records only (the detector writes in
 * transactions), by manual assignment: it joins no consumer group and commits nothing.
 */
@Command(
        name = "alerts",
        mixinStandardHelpOptions = true,
        description = {
            "Print the alerts on the alerts topic: text (default), --json, --ocsf or --ecs.",
            "Without --follow: every alert on the topic, from the beginning up to its current end, then exit.",
            "With --follow: wait for new alerts until stopped (Ctrl-C); add --from-beginning to print the history first.",
            "Client settings (security.protocol, ssl.*, sasl.*, schema.registry.*) come from --config and EXFILGUARD_* "
                    + "environment variables (EXFILGUARD_SASL_JAAS_CONFIG is sasl.jaas.config), as for run."
        })
public final class AlertsCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with client settings (TLS, SASL, registry).")
    Path configFile;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "Alerts topic (default: topic.alerts from the configuration, exfil-alerts).")
    String topic;

    @Option(
            names = "--follow",
            description = "Keep waiting for new alerts (starts at the end unless --from-beginning).")
    boolean follow;

    @Option(names = "--from-beginning", description = "With --follow, print the alerts already on the topic first.")
    boolean fromBeginning;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "Without --follow: give up if the end of the topic is not reached within this many seconds.")
    int timeoutSeconds;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    /** One output format at most; text when none is given. */
    static final class Format {
        @Option(
                names = "--json",
                description = "One JSON object per line (the alert's own fields, snake_case), for scripts.")
        boolean json;

        @Option(names = "--ocsf", description = "One OCSF Detection Finding (class 2004) per line, for SIEMs.")
        boolean ocsf;

        @Option(names = "--ecs", description = "One Elastic Common Schema document per line.")
        boolean ecs;

        AlertFormat chosen() {
            return ocsf ? AlertFormat.OCSF : ecs ? AlertFormat.ECS : json ? AlertFormat.JSON : AlertFormat.TEXT;
        }
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> flags = cluster.flags();
        flags.put(ExfilguardConfig.TOPIC_ALERTS, topic);
        ExfilguardConfig config = ConfigLoader.load(configFile, System.getenv(), ConfigOptions.given(flags));
        Map<String, Object> settings = config.originals();
        if (!settings.containsKey(ExfilguardConfig.BOOTSTRAP_SERVERS)
                || !settings.containsKey(ExfilguardConfig.SCHEMA_REGISTRY_URL)) {
            err.println("alerts: --bootstrap-servers and --schema-registry-url are required (or bootstrap.servers and "
                    + "schema.registry.url in --config)");
            return ExitCodes.USAGE;
        }
        String alertsTopic = config.topics().alerts();
        Deserializer<ExfiltrationAlert> alerts = AvroSerde.of(
                        ExfiltrationAlert.class, new RestSchemaRegistryClient(settings), false)
                .deserializer();
        // JSON writers leave DEL, C1 and bidi controls raw; on a terminal they are as dangerous as an escape.
        AlertFormat chosen = format.chosen();
        // Text is multi-line and ends with a newline: alerts come out separated by a blank line.
        Function<ExfiltrationAlert, String> render =
                chosen.json() ? a -> ConsoleEscapes.json(chosen.render(a)) : chosen::render;

        Map<String, Object> consumerSettings = consumerSettings(settings);
        // --timeout bounds the whole read, the cluster's metadata and end offsets included.
        consumerSettings.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Math.min(Integer.MAX_VALUE, timeoutSeconds * 1000L));
        Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerSettings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions;
            try {
                partitions = partitions(consumer, alertsTopic, Duration.ofSeconds(timeoutSeconds));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                err.println("alerts: no answer from the Kafka cluster at "
                        + settings.get(ExfilguardConfig.BOOTSTRAP_SERVERS) + " within " + timeoutSeconds
                        + " s (--timeout)");
                return ExitCodes.FAILED;
            }
            if (partitions.isEmpty()) {
                err.println("alerts: topic " + alertsTopic + " does not exist");
                return 1;
            }
            consumer.assign(partitions);
            if (follow && !fromBeginning) {
                consumer.seekToEnd(partitions);
            } else {
                consumer.seekToBeginning(partitions);
            }
            Printer printer = new Printer(alertsTopic, alerts, render, out, err);
            return follow ? follow(consumer, printer) : readToEnd(consumer, partitions, printer, deadline);
        }
    }

    /** Manual assignment: no group, no commits, read_committed as the detector writes transactionally. */
    static Map<String, Object> consumerSettings(Map<String, Object> settings) {
        Set<String> consumerKeys = ConsumerConfig.configNames();
        Map<String, Object> props = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (consumerKeys.contains(key)) {
                props.put(key, value);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A mistyped --topic must be reported, not created.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "exfilguard-alerts");
        return props;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        return infos == null
                ? List.of()
                : infos.stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
    }

    private int readToEnd(
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Printer printer,
            Instant deadline) {
        // Under read_committed the end offsets are the last stable offsets: an open transaction's alerts are not waited
        // for.
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (!reached(consumer, ends)) {
            if (Instant.now().isAfter(deadline)) {
                printer.err.println(
                        "alerts: the end of " + printer.topic + " was not reached within " + timeoutSeconds + " s");
                return 1;
            }
            printer.print(consumer.poll(Duration.ofMillis(500)));
        }
        return 0;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static int follow(KafkaConsumer<byte[], byte[]> consumer, Printer printer) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Thread stopper = new Thread(
                () -> {
                    consumer.wakeup();
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "exfilguard-alerts-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            while (true) {
                printer.print(consumer.poll(Duration.ofSeconds(1)));
            }
        } catch (WakeupException stopping) {
            return 0;
        } finally {
            closed.countDown();
        }
    }

    /** Deserialises and prints; a record that is not a readable alert is reported with its offset and skipped. */
    private static final class Printer {
        final String topic;
        final Deserializer<ExfiltrationAlert> alerts;
        final Function<ExfiltrationAlert, String> render;
        final PrintWriter out;
        final PrintWriter err;

        Printer(
                String topic,
                Deserializer<ExfiltrationAlert> alerts,
                Function<ExfiltrationAlert, String> render,
                PrintWriter out,
                PrintWriter err) {
            this.topic = topic;
            this.alerts = alerts;
            this.render = render;
            this.out = out;
            this.err = err;
        }

        void print(Iterable<ConsumerRecord<byte[], byte[]>> records) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                ExfiltrationAlert alert;
                try {
                    alert = alerts.deserialize(record.topic(), record.headers(), record.value());
                } catch (RuntimeException e) {
                    err.printf(
                            "alerts: skipped %s-%d@%d: not a readable alert (%s)%n",
                            record.topic(), record.partition(), record.offset(), ConsoleEscapes.text(e.getMessage()));
                    continue;
                }
                if (alert == null) {
                    continue;
                }
                out.println(render.apply(alert));
            }
            out.flush();
            err.flush();
        }
    }
}
