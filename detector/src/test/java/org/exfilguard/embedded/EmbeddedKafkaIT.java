package org.exfilguard.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @Test
    void transactionalRecordsReachReadCommittedConsumer() throws Exception {
        Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            System.out.printf(
                    "Embedded Kafka start-up: %d ms%n", kafka.startupTime().toMillis());
            dataDir = kafka.dataDir();
            kafka.createTopic("db-access", 3, Map.of());

            produceTransactionally(kafka.bootstrapServers(), Map.of(), "db-access", 1000);
            List<ConsumerRecord<String, String>> records =
                    consume(kafka.bootstrapServers(), Map.of(), "db-access", 1000);

            assertThat(records).hasSize(1000);
            assertThat(records)
                    .extracting(ConsumerRecord::value)
                    .doesNotHaveDuplicates()
                    .allMatch(value -> value.startsWith("row-"));
        }
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void createTopicAppliesConfigsAndBrokerKeepsDefaultRetention() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .brokerProperty("log.retention.hours", "48")
                .build()
                .start()) {
            kafka.createTopic("replay", 2, Map.of("retention.ms", "-1"));
            kafka.createTopic("live", 1, Map.of());

            Map<String, String> replay = topicConfig(kafka, "replay");
            Map<String, String> live = topicConfig(kafka, "live");

            assertThat(replay).containsEntry("retention.ms", "-1");
            assertThat(live)
                    .containsEntry(
                            "retention.ms", Long.toString(Duration.ofHours(48).toMillis()));
            assertThat(kafka.admin()
                            .describeTopics(List.of("replay"))
                            .allTopicNames()
                            .get()
                            .get("replay")
                            .partitions())
                    .hasSize(2);
        }
    }

    @Test
    void restartOnKeptDataDirectoryKeepsRecords(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("broker");
        try (EmbeddedKafka kafka =
                EmbeddedKafka.builder().dataDir(dataDir).build().start()) {
            kafka.createTopic("kept", 1, Map.of());
            produceTransactionally(kafka.bootstrapServers(), Map.of(), "kept", 10);
        }
        assertThat(dataDir).isDirectory();
        try (EmbeddedKafka kafka =
                EmbeddedKafka.builder().dataDir(dataDir).build().start()) {
            assertThat(consume(kafka.bootstrapServers(), Map.of(), "kept", 10)).hasSize(10);
        }
    }

    @Test
    void saslSslListenerAcceptsScramUser() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder()
                .saslSsl("detector", "s3cret-pass")
                .build()
                .start()) {
            Map<String, Object> secure = kafka.saslSslClientConfig().orElseThrow();
            kafka.createTopic("secure", 1, Map.of());

            produceTransactionally((String) secure.get("bootstrap.servers"), secure, "secure", 20);

            assertThat(consume((String) secure.get("bootstrap.servers"), secure, "secure", 20))
                    .hasSize(20);
        }
    }

    private static Map<String, String> topicConfig(EmbeddedKafka kafka, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<String, String> result = new HashMap<>();
        for (ConfigEntry entry : kafka.admin()
                .describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .entries()) {
            result.put(entry.name(), entry.value());
        }
        return result;
    }

    static void produceTransactionally(String bootstrap, Map<String, Object> extra, String topic, int count) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + topic);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < count / 2; i++) {
                producer.send(new ProducerRecord<>(topic, "account-" + i % 7, "row-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = count / 2; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "account-" + i % 7, "row-" + i));
            }
            // An aborted batch in between proves the consumer honours read_committed.
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "account-x", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }
    }

    static List<ConsumerRecord<String, String>> consume(
            String bootstrap, Map<String, Object> extra, String topic, int expected) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + topic);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(30);
            // Keep polling briefly past the expected count, so a leaked aborted record would be caught.
            Instant settle = null;
            while (Instant.now().isBefore(deadline)
                    && (settle == null || Instant.now().isBefore(settle))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (settle == null && records.size() >= expected) {
                    settle = Instant.now().plusMillis(500);
                }
            }
        }
        return records;
    }
}
