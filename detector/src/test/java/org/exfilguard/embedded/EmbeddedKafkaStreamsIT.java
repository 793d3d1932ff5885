package org.exfilguard.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaStreamsIT {

    private static final String INPUT = "reads";
    private static final String OUTPUT = "reads-per-account";
    // Two weeks old: past the broker's default 7-day retention, so the topics need their own retention.
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(14));

    @Test
    void exactlyOnceCountPerKeyRunsAgainstEmbeddedBroker(@TempDir Path stateDir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
            kafka.createTopic(INPUT, 2, Map.of("retention.ms", "-1"));
            kafka.createTopic(OUTPUT, 2, Map.of("retention.ms", "-1"));
            Map<String, Long> expected = produceReads(kafka.bootstrapServers());

            Instant started = Instant.now();
            try (KafkaStreams streams = new KafkaStreams(countPerAccount(), streamsConfig(kafka, stateDir))) {
                streams.start();
                Map<String, Long> counts = awaitCounts(kafka.bootstrapServers(), expected, Duration.ofSeconds(60));
                System.out.printf(
                        "Kafka Streams (exactly_once_v2, classic) counted all keys in %d ms%n",
                        Duration.between(started, Instant.now()).toMillis());

                assertThat(counts).isEqualTo(expected);
                streams.close(Duration.ofSeconds(20));
            }
        }
    }

    private static Topology countPerAccount() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()).withName("read-reads"))
                .groupByKey()
                .count(Named.as("count-per-account"), Materialized.as("reads-per-account-store"))
                .toStream(Named.as("counts-stream"))
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()).withName("write-counts"));
        return builder.build();
    }

    private static Properties streamsConfig(EmbeddedKafka kafka, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "embedded-streams-it");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Streams 4.4 has its own group.protocol setting; classic reaches the first record ten times sooner here.
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    private static Map<String, Long> produceReads(String bootstrap) {
        Map<String, Long> expected = new HashMap<>();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 300; i++) {
                String account = "account-" + (i % 3 == 0 ? 0 : i % 5);
                long timestamp = T0.plusSeconds(i).toEpochMilli();
                producer.send(new ProducerRecord<>(INPUT, null, timestamp, account, "coop.members"));
                expected.merge(account, 1L, Long::sum);
            }
        }
        return expected;
    }

    private static Map<String, Long> awaitCounts(String bootstrap, Map<String, Long> expected, Duration timeout) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "counts-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Long> latest = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new LongDeserializer())) {
            consumer.subscribe(List.of(OUTPUT));
            Instant deadline = Instant.now().plus(timeout);
            while (!latest.equals(expected) && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    // A count is stamped with the event time of the read that moved it, not the wall clock.
                    assertThat(record.timestamp())
                            .isLessThan(T0.plus(Duration.ofHours(1)).toEpochMilli());
                    latest.put(record.key(), record.value());
                });
            }
        }
        return latest;
    }
}
