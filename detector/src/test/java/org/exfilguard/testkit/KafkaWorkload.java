package org.exfilguard.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.SchemaRegistryClient;

/**
 * Test-side Kafka chores for the integration tests: topics that keep old events, producing events keyed by
 * account at their event time, waiting until an application has committed everything, reading alerts
 * read_committed.
 */
public final class KafkaWorkload {

    private final String bootstrap;
    private final SchemaRegistryClient registry;

    public KafkaWorkload(String bootstrap, SchemaRegistryClient registry) {
        this.bootstrap = bootstrap;
        this.registry = registry;
    }

    /** Creates the topics with retention.ms=-1: replayed events are weeks old and would be deleted on arrival. */
    public void createTopics(int partitions, String... names) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
            }
            try {
                admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** Produces the events keyed by account, each record stamped with its event time; returns how many. */
    public long produce(String topic, Iterable<DbAccessEvent> events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long count = 0;
        try (KafkaProducer<String, DbAccessEvent> producer = new KafkaProducer<>(
                props,
                new StringSerializer(),
                AvroSerde.of(DbAccessEvent.class, registry, false).serializer())) {
            for (DbAccessEvent event : events) {
                producer.send(new ProducerRecord<>(
                        topic, null, event.getEventTime().toEpochMilli(), event.getAccount(), event));
                count++;
            }
            producer.flush();
        }
        return count;
    }

    /** Sum over the topic's partitions of the offsets the group has committed. */
    public long committed(String group, String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        }
    }

    public long endOffsets(String topic) throws Exception {
        return ends(topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until the group's committed offsets reach {@code target} records of the topic; {@code stillRunning}
     * is asked on every poll so that a detector that died fails the wait at once.
     */
    public void awaitCommitted(String group, String topic, long target, Duration timeout, BooleanSupplier stillRunning)
            throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        long done = 0;
        while (Instant.now().isBefore(deadline)) {
            try {
                done = committed(group, topic);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // The broker may be restarting: try again until the deadline.
            }
            if (done >= target) {
                return;
            }
            if (!stillRunning.getAsBoolean()) {
                throw new IllegalStateException(group + " stopped at " + done + " of " + target + " records");
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(group + " committed " + done + " of " + target + " records within " + timeout);
    }

    /** Every alert in the topic that a read_committed consumer sees, in partition order. */
    public List<ExfiltrationAlert> readAlerts(String topic, Duration timeout) throws Exception {
        Map<TopicPartition, Long> ends = ends(topic);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ExfiltrationAlert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, ExfiltrationAlert> consumer = new KafkaConsumer<>(
                props,
                new StringDeserializer(),
                AvroSerde.of(ExfiltrationAlert.class, registry, false).deserializer())) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            Instant deadline = Instant.now().plus(timeout);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, ExfiltrationAlert> record : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(record.value());
                }
            }
        }
        return alerts;
    }

    /** Last stable offsets: what a read_committed reader can reach once no transaction is open. */
    private Map<TopicPartition, Long> ends(String topic) throws Exception {
        try (Admin admin = admin()) {
            int partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(
                            latest,
                            new org.apache.kafka.clients.admin.ListOffsetsOptions(
                                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000));
    }
}
