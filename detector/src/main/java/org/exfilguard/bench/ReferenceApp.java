package org.exfilguard.bench;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.config.StreamsSettings;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.SchemaRegistryClient;

/**
 * The yardstick: the plainest stateful Kafka Streams application over the same topic, a DSL sum of rows per
 * account in one-hour windows (RocksDB window store, changelogged), run with exactly the detector's Streams
 * settings (exactly_once_v2, the bounded RocksDB setter), its window store without the record cache (DESIGN.md measured
 * it faster so).
 */
final class ReferenceApp implements BenchApp {

    static final String STORE = "rows-per-hour";

    private final KafkaStreams streams;

    ReferenceApp(ExfilguardConfig config, SchemaRegistryClient client) {
        this(config, client, false);
    }

    /** With {@code withEgress}, the reference of the realistic mix: the same sum over the reads and the flows. */
    ReferenceApp(ExfilguardConfig config, SchemaRegistryClient client, boolean withEgress) {
        Properties props = StreamsSettings.of(config);
        Topology topology = withEgress
                ? topology(config.topics().dbAccess(), config.topics().egress(), client)
                : topology(config.topics().dbAccess(), client);
        this.streams = new KafkaStreams(topology, props);
    }

    /**
     * The bare windowed sum over both inputs: rows read per account and bytes sent per source host (keys of the two
     * topics never collide), one-hour windows, one store. Each record is a read-modify-write of a window key, the
     * least a detector of either topic has to do.
     */
    static Topology topology(String reads, String flows, SchemaRegistryClient client) {
        StreamsBuilder builder = new StreamsBuilder();
        var rows = builder.stream(
                        reads,
                        Consumed.with(Serdes.String(), AvroSerde.of(DbAccessEvent.class, client, false))
                                .withName("reference-source"))
                .mapValues(DbAccessEvent::getRowsReturned, Named.as("reference-rows"));
        var bytes = builder.stream(
                        flows,
                        Consumed.with(Serdes.String(), AvroSerde.of(EgressEvent.class, client, false))
                                .withName("reference-egress-source"))
                .mapValues(EgressEvent::getBytesOut, Named.as("reference-bytes"));
        rows.merge(bytes, Named.as("reference-merge"))
                .groupByKey(Grouped.with("reference-group", Serdes.String(), Serdes.Long()))
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofHours(1)))
                .aggregate(
                        () -> 0L,
                        (key, value, sum) -> sum + value,
                        Named.as(STORE),
                        Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(Serdes.Long())
                                .withCachingDisabled());
        return builder.build();
    }

    static Topology topology(String input, SchemaRegistryClient client) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        input,
                        Consumed.with(Serdes.String(), AvroSerde.of(DbAccessEvent.class, client, false))
                                .withName("reference-source"))
                .groupByKey(Grouped.with(
                        "reference-group", Serdes.String(), AvroSerde.of(DbAccessEvent.class, client, false)))
                .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofHours(1)))
                .aggregate(
                        () -> 0L,
                        (account, event, sum) -> sum + event.getRowsReturned(),
                        Named.as(STORE),
                        Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String())
                                .withValueSerde(Serdes.Long())
                                // Its best configuration: every record is a new window key, the cache would only cost.
                                .withCachingDisabled());
        return builder.build();
    }

    static String processingGuarantee(Properties props) {
        return String.valueOf(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    }

    @Override
    public void start() {
        streams.start();
    }

    @Override
    public void check() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
            throw new IllegalStateException("the reference application failed: " + state);
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
