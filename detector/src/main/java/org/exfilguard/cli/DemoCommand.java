package org.exfilguard.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.embedded.EmbeddedKafka;
import org.exfilguard.embedded.Processing;
import org.exfilguard.incident.AlertText;
import org.exfilguard.incident.ConsoleEscapes;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.sim.Account;
import org.exfilguard.sim.SimulationSpec;
import org.exfilguard.sim.TruthEntry;
import org.exfilguard.sim.WorkloadSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: a real in-process Kafka broker and schema registry, the detector's topology, and a simulated
 * fortnight of database reads (analysts, a service account, a nightly backup of the member table) with one
 * member-table extraction on the last day. Prints each alert as the detector publishes it, then checks the story.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run the detector on an embedded Kafka broker against a simulated workload with one injected extraction.",
            "Kafka's own logs go to a new file per run, ${java.io.tmpdir}/exfilguard-<command>-<time>-<pid>.log, named on stderr (or the console with --verbose)."
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--verbose", description = "Show Kafka's logs on the console.")
    boolean verbose;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            defaultValue = "-1",
            description =
                    "Serve /metrics and /health on 127.0.0.1:PORT while the demo runs (0 = any free port, -1 = off).")
    int metricsPort;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "150",
            description = "Give up if the detector has not processed the workload within this many seconds.")
    int timeoutSeconds;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Instant began = Instant.now();
        SimulationSpec spec = SimulationSpec.demo();
        WorkloadSimulator simulator = new WorkloadSimulator(spec);
        out.println("exfilguard demo: " + spec.days() + " days of simulated database reads by "
                + simulator.accounts().size() + " accounts, one member-table extraction on the last day.");
        Path stateDir = Files.createTempDirectory("exfilguard-demo-state");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            out.printf(
                    "Kafka broker (KRaft, in-process) on %s, started in %.1f s; schema registry on %s%n",
                    kafka.bootstrapServers(), kafka.startupTime().toMillis() / 1000.0, registry.url());
            ExfilguardConfig config = demoConfig(kafka.bootstrapServers(), registry.url(), stateDir, metricsPort);
            // Replayed events are days old: retention must cover them or the broker deletes them on arrival.
            Map<String, String> keepForever = Map.of("retention.ms", "-1");
            kafka.createTopic(config.topics().dbAccess(), 3, keepForever);
            kafka.createTopic(config.topics().egress(), 3, keepForever);
            for (String output : config.topics().outputs()) {
                kafka.createTopic(output, 1, keepForever);
            }

            SchemaRegistryClient client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
            List<ExfiltrationAlert> alerts = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            try (DetectorRunner detector = new DetectorRunner(config).start()) {
                detector.awaitRunning(Duration.ofSeconds(60));
                if (detector.metricsPort() > 0) {
                    out.printf("metrics: http://127.0.0.1:%d/metrics%n", detector.metricsPort());
                }
                Thread printer = new Thread(
                        () -> printAlerts(kafka.bootstrapServers(), config, client, alerts, stop), "demo-alerts");
                printer.start();
                out.println("Feeding the workload (event time " + spec.start()
                        + " onwards); alerts appear as the detector publishes them:");
                out.println();
                long produced = produce(simulator, kafka.bootstrapServers(), config, client);
                Instant fed = Instant.now();
                awaitProcessed(kafka, config, Duration.ofSeconds(timeoutSeconds));
                awaitJudged(detector, Duration.ofSeconds(timeoutSeconds));
                Duration processing = Duration.between(fed, Instant.now());
                Thread.sleep(1500); // the last transaction's alerts reach the printer
                stop.set(true);
                printer.join(10_000);
                return summarise(simulator, alerts, produced, Duration.between(began, Instant.now()), processing);
            }
        }
    }

    static ExfilguardConfig demoConfig(String bootstrap, String registryUrl, Path stateDir, int metricsPort) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ExfilguardConfig.BOOTSTRAP_SERVERS, bootstrap);
        values.put(ExfilguardConfig.SCHEMA_REGISTRY_URL, registryUrl);
        values.put(ExfilguardConfig.APPLICATION_ID, "exfilguard-demo");
        values.put(ExfilguardConfig.STATE_DIR, stateDir.toString());
        values.put(ExfilguardConfig.SENSITIVE_TABLES, String.join(",", SimulationSpec.DEFAULT_SENSITIVE_TABLES));
        values.put(ExfilguardConfig.METRICS_PORT, metricsPort);
        values.put("commit.interval.ms", 200);
        return new ExfilguardConfig(values);
    }

    private long produce(
            WorkloadSimulator simulator, String bootstrap, ExfilguardConfig config, SchemaRegistryClient client) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        AtomicLong count = new AtomicLong();
        String topic = config.topics().dbAccess();
        String egressTopic = config.topics().egress();
        try (KafkaProducer<String, DbAccessEvent> producer = new KafkaProducer<>(
                        props,
                        new StringSerializer(),
                        AvroSerde.of(DbAccessEvent.class, client, false).serializer());
                KafkaProducer<String, EgressEvent> egressProducer = new KafkaProducer<>(
                        props,
                        new StringSerializer(),
                        AvroSerde.of(EgressEvent.class, client, false).serializer())) {
            // Keyed by account (reads) and source ip (flows), stamped with event time, as replay produces them.
            simulator.forEach(
                    event -> {
                        producer.send(new ProducerRecord<>(
                                topic, null, event.getEventTime().toEpochMilli(), event.getAccount(), event));
                        count.incrementAndGet();
                    },
                    flow -> egressProducer.send(new ProducerRecord<>(
                            egressTopic, null, flow.getEventTime().toEpochMilli(), flow.getSrcIp(), flow)));
            producer.flush();
            egressProducer.flush();
        }
        return count.get();
    }

    private void awaitProcessed(EmbeddedKafka kafka, ExfilguardConfig config, Duration timeout) throws Exception {
        Processing.awaitCommitted(
                kafka.admin(),
                config.getString(ExfilguardConfig.APPLICATION_ID),
                List.of(config.topics().dbAccess()),
                timeout);
    }

    /**
     * Waits until the detector holds no read: a new account's reads wait for every read task's peer days before
     * theirs, which come through the peer-days topic after the input is processed.
     */
    private static void awaitJudged(DetectorRunner detector, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        int still = 0;
        while (still < 2) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the detector still held "
                        + detector.metrics().readsHeld() + " reads for the peer baselines after " + timeout);
            }
            still = detector.metrics().readsHeld() == 0 ? still + 1 : 0;
            Thread.sleep(250);
        }
    }

    private void printAlerts(
            String bootstrap,
            ExfilguardConfig config,
            SchemaRegistryClient client,
            List<ExfiltrationAlert> alerts,
            AtomicBoolean stop) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "exfilguard-demo-console");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, ExfiltrationAlert> consumer = new KafkaConsumer<>(
                props,
                new StringDeserializer(),
                AvroSerde.of(ExfiltrationAlert.class, client, false).deserializer())) {
            consumer.subscribe(List.of(config.topics().alerts()));
            while (!stop.get()) {
                for (ConsumerRecord<String, ExfiltrationAlert> record : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(record.value());
                    out.print(AlertText.format(record.value()));
                    out.println();
                }
            }
        }
    }

    private int summarise(
            WorkloadSimulator simulator,
            List<ExfiltrationAlert> alerts,
            long produced,
            Duration total,
            Duration processing) {
        out.println("Summary");
        out.printf(
                "  %,d database events over %d days; processed in %.1f s after the last was fed; demo took %.0f s%n",
                produced, simulator.spec().days(), processing.toMillis() / 1000.0, total.toMillis() / 1000.0);
        long incidents =
                alerts.stream().map(ExfiltrationAlert::getIncidentId).distinct().count();
        out.printf("  %d alert records in %d incidents%n", alerts.size(), incidents);
        boolean allDetected = true;
        for (TruthEntry truth : simulator.truth()) {
            var hit = alerts.stream()
                    .filter(a -> a.getStatus() == AlertStatus.OPENED
                            && a.getAccount().equals(truth.account())
                            && (a.getTable().equals(truth.table())
                                    || a.getTable().equals("*"))
                            && !a.getDetectedAt().isBefore(truth.start()))
                    .findFirst();
            if (hit.isPresent()) {
                out.printf(
                        "  injected %s by %s on %s at %s: DETECTED %s later (%s rows at detection, score %.1f)%n",
                        truth.kind(),
                        ConsoleEscapes.text(truth.account()),
                        ConsoleEscapes.text(truth.table()),
                        truth.start(),
                        humanDuration(Duration.between(truth.start(), hit.get().getDetectedAt())),
                        String.format("%,d", hit.get().getObservedRows()),
                        hit.get().getScore());
            } else {
                allDetected = false;
                out.printf(
                        "  injected %s by %s on %s at %s: NOT DETECTED%n",
                        truth.kind(),
                        ConsoleEscapes.text(truth.account()),
                        ConsoleEscapes.text(truth.table()),
                        truth.start());
            }
        }
        for (Account backup : simulator.accounts().stream()
                .filter(a -> a.role() == Account.Role.BACKUP)
                .toList()) {
            Instant firstNightEnds = simulator.spec().start().plus(Duration.ofDays(backup.firstDay() + 1));
            long later = alerts.stream()
                    .filter(a -> a.getAccount().equals(backup.name())
                            && a.getStatus() == AlertStatus.OPENED
                            && !a.getDetectedAt().isBefore(firstNightEnds))
                    .count();
            out.printf(
                    "  nightly backup %s: %s%n",
                    ConsoleEscapes.text(backup.name()),
                    later == 0
                            ? "no alert after its first night (learnt as a job that recurs at the same time)"
                            : later + " alert(s) after its first night");
        }
        return allDetected ? 0 : 1;
    }

    static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        return seconds < 120 ? seconds + " s" : (seconds / 60) + " min";
    }
}
