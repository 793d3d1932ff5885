package org.exfilguard.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.embedded.BrokerProcess;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;

/**
 * One broker (its own JVM) and one schema registry for a whole benchmark run: topics, a producer of generated
 * events, the detector's configuration against them, and the wait until an application has consumed a topic.
 */
final class BenchCluster implements AutoCloseable {

    /** Benchmark events are days old: retention must cover them or the broker deletes them minutes after writing. */
    static final Map<String, String> KEEP_FOREVER = Map.of("retention.ms", "-1");

    private final Path workDir;
    private final BrokerProcess broker;
    private final EmbeddedSchemaRegistry registry;
    private final SchemaRegistryClient client;
    private final Admin admin;

    private BenchCluster(Path workDir, BrokerProcess broker, EmbeddedSchemaRegistry registry) {
        this.workDir = workDir;
        this.broker = broker;
        this.registry = registry;
        this.client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
        this.admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
    }

    static BenchCluster start(Path workDir, String brokerHeap) throws IOException, InterruptedException {
        BrokerProcess broker = BrokerProcess.start(
                workDir.resolve("broker").resolve("data"),
                workDir.resolve("broker"),
                brokerHeap,
                Duration.ofSeconds(90));
        return new BenchCluster(workDir, broker, EmbeddedSchemaRegistry.start());
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    BrokerProcess broker() {
        return broker;
    }

    Path workDir() {
        return workDir;
    }

    void createTopics(int partitions, String... names) throws ExecutionException, InterruptedException {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1).configs(KEEP_FOREVER));
        }
        admin.createTopics(topics).all().get();
        awaitLeaders(List.of(names), Duration.ofSeconds(30));
    }

    /**
     * Waits until every partition of {@code topics} has a leader the broker knows of. A create returns once the
     * controller has committed it; an idempotent producer whose first batch to a partition meets "not leader" and
     * whose next batches then meet "out of order sequence" retried for two minutes in ScaleOutIT until the delivery
     * timeout dropped them.
     */
    private void awaitLeaders(List<String> topics, Duration timeout) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                boolean led = admin.describeTopics(topics).allTopicNames().get().values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench topics " + topics + " have no leader after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Counts the records a producer failed to write and keeps the first cause: a bench whose input lost records
     * would report figures for input it never had, so it stops instead ({@link #check}).
     */
    static final class Sends {
        private final String topic;
        private final AtomicLong failed = new AtomicLong();
        private final java.util.concurrent.atomic.AtomicReference<Exception> first =
                new java.util.concurrent.atomic.AtomicReference<>();

        Sends(String topic) {
            this.topic = topic;
        }

        org.apache.kafka.clients.producer.Callback callback() {
            return (metadata, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    first.compareAndSet(null, e);
                }
            };
        }

        /** Throws when any record was not written (call after the producer's flush). */
        void check(long sent) {
            long lost = failed.get();
            if (lost > 0) {
                throw new IllegalStateException(
                        "bench input: " + lost + " of " + sent + " records to " + topic + " were not written: "
                                + first.get(),
                        first.get());
            }
        }
    }

    /** A producer of Avro events keyed by account and stamped with event time, as the normaliser writes them. */
    KafkaProducer<String, DbAccessEvent> producer(int lingerMs) {
        return new KafkaProducer<>(
                producerProperties(lingerMs),
                new StringSerializer(),
                AvroSerde.of(DbAccessEvent.class, client, false).serializer());
    }

    private Properties producerProperties(int lingerMs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return props;
    }

    static ProducerRecord<String, DbAccessEvent> record(String topic, DbAccessEvent event) {
        return new ProducerRecord<>(topic, null, event.getEventTime().toEpochMilli(), event.getAccount(), event);
    }

    /** Produces whatever {@code source} emits; returns the count and the time taken. */
    Produced produce(String topic, Consumer<Consumer<DbAccessEvent>> source) {
        AtomicLong count = new AtomicLong();
        Instant began = Instant.now();
        Sends sends = new Sends(topic);
        try (KafkaProducer<String, DbAccessEvent> producer = producer(20)) {
            source.accept(event -> {
                producer.send(record(topic, event), sends.callback());
                count.incrementAndGet();
            });
            producer.flush();
        }
        sends.check(count.get());
        return new Produced(count.get(), Duration.between(began, Instant.now()));
    }

    /**
     * Ends a finite input as {@code backtest} does: an end-of-input record on every partition of {@code topic}, stamped
     * {@code at}, so every read task ends its days and the detector's output depends on the input alone, not on how
     * long it ran after its input was committed.
     */
    void endOfInput(String topic, Instant at) throws ExecutionException, InterruptedException {
        org.apache.kafka.common.header.Headers headers = org.exfilguard.topology.EndOfInput.headers();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                producerProperties(0),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            Sends sends = new Sends(topic);
            Map<TopicPartition, Long> partitions = endOffsets(topic);
            for (TopicPartition partition : partitions.keySet()) {
                producer.send(
                        new ProducerRecord<>(
                                topic, partition.partition(), at.toEpochMilli(), null, new byte[0], headers),
                        sends.callback());
            }
            producer.flush();
            sends.check(partitions.size());
        }
    }

    /**
     * Waits until {@code group} has drained the topics it reads besides {@code inputs} (its internal topics: signals
     * and table reads), round after round until their end offsets stop moving, as {@code backtest} does.
     */
    void awaitInternalDrained(String group, List<String> inputs, Duration timeout) throws Exception {
        java.util.SortedSet<String> internal = org.exfilguard.embedded.Processing.assignedTopics(admin, group);
        internal.removeAll(inputs);
        org.exfilguard.embedded.Processing.awaitDrained(admin, group, internal, timeout, () -> false);
    }

    /** A producer of flows keyed by source ip, as the normaliser writes them. */
    KafkaProducer<String, EgressEvent> egressProducer(int lingerMs) {
        return new KafkaProducer<>(
                producerProperties(lingerMs),
                new StringSerializer(),
                AvroSerde.of(EgressEvent.class, client, false).serializer());
    }

    static ProducerRecord<String, EgressEvent> record(String topic, EgressEvent flow) {
        return new ProducerRecord<>(topic, null, flow.getEventTime().toEpochMilli(), flow.getSrcIp(), flow);
    }

    /** Produces the flows {@code source} emits, keyed by source ip and stamped with event time. */
    Produced produceEgress(String topic, Consumer<Consumer<EgressEvent>> source) {
        AtomicLong count = new AtomicLong();
        Instant began = Instant.now();
        Sends sends = new Sends(topic);
        try (KafkaProducer<String, EgressEvent> producer = egressProducer(20)) {
            source.accept(flow -> {
                producer.send(record(topic, flow), sends.callback());
                count.incrementAndGet();
            });
            producer.flush();
        }
        sends.check(count.get());
        return new Produced(count.get(), Duration.between(began, Instant.now()));
    }

    record Produced(long events, Duration took) {
        double perSecond() {
            return events / Math.max(took.toNanos() / 1e9, 1e-9);
        }
    }

    Map<TopicPartition, Long> endOffsets(String topic) throws ExecutionException, InterruptedException {
        int partitions = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .size();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Waits until the group's committed offsets reach {@code ends}: every event consumed and committed. */
    void awaitCommitted(String group, Map<TopicPartition, Long> ends, Duration timeout, Runnable check)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            check.run();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            boolean done = ends.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue() == 0 || (c != null && c.offset() >= e.getValue());
            });
            if (done) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(group + " did not consume " + ends + " within " + timeout);
    }

    /** Events of {@code topic} the group has not yet committed: how far behind the input it is. */
    long lag(String group, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        return endOffsets(topic).entrySet().stream()
                .mapToLong(e -> {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    return Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
                })
                .sum();
    }

    /** Every committed alert on a topic, in order per partition. */
    List<ExfiltrationAlert> readAlerts(String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> ends = endOffsets(topic);
        List<ExfiltrationAlert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, ExfiltrationAlert> consumer = alertConsumer()) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, ExfiltrationAlert> record : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(record.value());
                }
            }
        }
        return alerts;
    }

    KafkaConsumer<String, ExfiltrationAlert> alertConsumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return new KafkaConsumer<>(
                props,
                new StringDeserializer(),
                AvroSerde.of(ExfiltrationAlert.class, client, false).deserializer());
    }

    /** Which input partitions each member of a group holds, by client id. */
    Map<String, List<Integer>> assignments(String group, String topic) throws ExecutionException, InterruptedException {
        Map<String, List<Integer>> byClient = new java.util.TreeMap<>();
        admin.describeConsumerGroups(List.of(group))
                .all()
                .get()
                .get(group)
                .members()
                .forEach(member -> byClient.put(
                        member.clientId(),
                        member.assignment().topicPartitions().stream()
                                .filter(tp -> tp.topic().equals(topic))
                                .map(TopicPartition::partition)
                                .sorted()
                                .toList()));
        return byClient;
    }

    SchemaRegistryClient registryClient() {
        return client;
    }

    /** The detector's configuration for one measured application: its own id, state dir and output topics. */
    ExfilguardConfig detectorConfig(
            String applicationId,
            Path stateDir,
            String input,
            String alerts,
            String deadLetters,
            Map<String, Object> extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(ExfilguardConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers());
        values.put(ExfilguardConfig.SCHEMA_REGISTRY_URL, registry.url());
        values.put(ExfilguardConfig.APPLICATION_ID, applicationId);
        values.put(ExfilguardConfig.STATE_DIR, stateDir.toString());
        values.put(ExfilguardConfig.SENSITIVE_TABLES, String.join(",", BenchWorkload.SENSITIVE_TABLES));
        values.put(ExfilguardConfig.METRICS_PORT, -1);
        values.put(ExfilguardConfig.TOPIC_DB_ACCESS, input);
        values.put(ExfilguardConfig.TOPIC_ALERTS, alerts);
        values.put(ExfilguardConfig.TOPIC_DEAD_LETTERS, deadLetters);
        // Each measured application its own internal and JSON topics: with the defaults, an application started
        // after another would read the other's read signals from the beginning.
        values.put(ExfilguardConfig.TOPIC_READ_SIGNALS, applicationId + "-read-signals");
        values.put(ExfilguardConfig.TOPIC_EGRESS_UPDATES, applicationId + "-egress-updates");
        values.put(ExfilguardConfig.TOPIC_TABLE_READS, applicationId + "-table-reads");
        values.put(ExfilguardConfig.TOPIC_PEER_DAYS, applicationId + "-peer-days");
        values.put(ExfilguardConfig.TOPIC_ALERTS_JSON, applicationId + "-alerts-json");
        values.putAll(extra);
        return new ExfilguardConfig(values);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        registry.close();
        broker.close();
    }
}
