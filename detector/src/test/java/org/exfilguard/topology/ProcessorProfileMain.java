package org.exfilguard.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.bench.BenchOptions;
import org.exfilguard.bench.BenchWorkload;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.serde.EmbeddedSchemaRegistry;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.suppress.AlertSuppressor;
import org.exfilguard.suppress.AllowListSource;
import org.exfilguard.testkit.TestWiring;

/**
 * A developer's loop for profiling the read path without a broker or a TopologyTestDriver: the bench workload,
 * serialised once, through the real decode and read-profile processors on RocksDB stores (changelogs off).
 * Prints events/s and a digest of every alert, so an optimisation can be shown to leave the alerts unchanged.
 * Not a test. Run with the test classpath:
 * {@code java -cp detector/target/test-classes:detector/target/classes:CP org.exfilguard.topology.ProcessorProfileMain 300000 20000}
 */
public final class ProcessorProfileMain {

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 300_000;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        DetectionSettings settings =
                DetectionSettings.defaults(SensitiveTables.parse(String.join(",", BenchWorkload.SENSITIVE_TABLES)));
        DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            var client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
            AvroSerde<DbAccessEvent> serde = AvroSerde.of(DbAccessEvent.class, client, false);
            List<byte[]> input = new ArrayList<>();
            List<Long> times = new ArrayList<>();
            BenchWorkload.standard(keys, 42)
                    .backlog(events, BenchOptions.BACKLOG_START, BenchOptions.BACKLOG_SPAN, e -> {
                        input.add(serde.serializer().serialize("db-access", e));
                        times.add(e.getEventTime().toEpochMilli());
                    });

            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "profile");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            // The production RocksDB settings (shared bounded block cache and write-buffer manager).
            props.put(
                    StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, org.exfilguard.config.BoundedRocksDbConfig.class);
            java.io.File stateDir =
                    Files.createTempDirectory("exfilguard-profile").toFile();
            var task = new org.apache.kafka.streams.processor.TaskId(0, 0);
            MockProcessorContext<Object, Object> decodeContext = new MockProcessorContext<>(props, task, stateDir);
            MockProcessorContext<String, Object> readContext = new MockProcessorContext<>(props, task, stateDir);
            for (StoreBuilder<? extends KeyValueStore<String, ?>> builder : List.of(
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.READ_PROFILES),
                            Serdes.String(),
                            Serdes.ByteArray()),
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.PEER_BASELINES),
                            Serdes.String(),
                            Serdes.ByteArray()),
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.OPEN_INCIDENTS), Serdes.String(), Serdes.Long()),
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.EVENT_CLOCK), Serdes.String(), Serdes.Long()),
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.INCIDENT_EGRESS),
                            Serdes.String(),
                            Serdes.ByteArray()),
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(StoreNames.DRIFT_STATE),
                            Serdes.String(),
                            Serdes.ByteArray()))) {
                KeyValueStore<String, ?> store =
                        builder.withLoggingDisabled().withCachingDisabled().build();
                store.init(readContext.getStateStoreContext(), store);
                readContext.addStateStore(store);
                decodeContext.addStateStore(store);
            }
            Processor<byte[], byte[], Object, Object> decode = new DecodeSupplier<DbAccessEvent>(
                            "db-access",
                            serde.deserializer(),
                            new EventValidator(Duration.ofMinutes(10))::check,
                            DbAccessEvent::getAccount,
                            DbAccessEvent::getEventTime,
                            Clock.systemUTC(),
                            metrics,
                            java.util.List.of("read"),
                            ReadInput.Read::new,
                            "dlq",
                            true,
                            Duration.ofDays(7))
                    .get();
            long cacheBytes = Long.getLong("profile.cache.bytes", DetectorTopology.DEFAULT_PROFILE_CACHE_BYTES);
            Processor<String, ReadInput, String, Object> read = new ReadProfileSupplier(
                            TestWiring.defaults()
                                    .detection(settings)
                                    .metrics(metrics)
                                    .detectorVersion("profile")
                                    .profileCacheBytes(cacheBytes)
                                    // No table task here to answer: closes are not held for table links.
                                    .table(org.exfilguard.detect.TableSettings.defaults()
                                            .withEnabled(false))
                                    .build(),
                            new AlertSuppressor(AllowListSource.none(), () -> {}),
                            new ReadProfileSupplier.Sinks(
                                    "alerts",
                                    java.util.List.of(
                                            new ReadProfileSupplier.RenderingSink(
                                                    org.exfilguard.serde.AlertFormat.OCSF, "json"),
                                            new ReadProfileSupplier.RenderingSink(
                                                    org.exfilguard.serde.AlertFormat.ECS, "ecs")),
                                    "signals"))
                    .get();
            decode.init(decodeContext);
            read.init(readContext);

            List<String> emitted = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < input.size(); i++) {
                long at = times.get(i);
                decode.process(new Record<>(null, input.get(i), at));
                for (var forwarded : decodeContext.forwarded()) {
                    read.process(new Record<>(
                            (String) forwarded.record().key(),
                            (ReadInput) forwarded.record().value(),
                            forwarded.record().timestamp()));
                }
                decodeContext.resetForwards();
                for (var forwarded : readContext.forwarded()) {
                    if (forwarded.record().value() instanceof ExfiltrationAlert alert) {
                        emitted.add(alert.toString());
                    }
                }
                readContext.resetForwards();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // Sorted: the order of records for different keys within one quiet-incident scan is not part of the result.
            java.util.Collections.sort(emitted);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            emitted.forEach(a -> digest.update(a.getBytes(StandardCharsets.UTF_8)));
            long alerts = emitted.size();
            System.out.printf(
                    Locale.ROOT,
                    "%,d events over %,d keys in %.1f s: %,.0f events/s; %,d alerts, digest %s%n",
                    events,
                    keys,
                    seconds,
                    events / seconds,
                    alerts,
                    HexFormat.of().formatHex(digest.digest()).substring(0, 16));
        }
    }
}
