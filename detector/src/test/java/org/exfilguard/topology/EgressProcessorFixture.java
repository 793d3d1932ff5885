package org.exfilguard.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.config.EgressSettingsFactory;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.state.EgressUpdate;

/**
 * The egress-profile processor alone, on in-memory stores that count the bytes written to them (keys and values,
 * as a changelog would carry them), for tests of the stored layout.
 */
final class EgressProcessorFixture {

    private final MockProcessorContext<String, EgressUpdate> context;
    private final Processor<Object, Object, String, EgressUpdate> processor;
    private final Map<String, KeyValueStore<String, ?>> stores = new java.util.HashMap<>();
    private long bytesWritten;
    private long puts;

    EgressProcessorFixture(EgressSettings settings, int hotHosts) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "egress-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(props);
        add(StoreNames.EGRESS_HOSTS, Serdes.ByteArray());
        add(StoreNames.EGRESS_DESTINATIONS, Serdes.Long());
        add(StoreNames.EGRESS_FRESH, Serdes.ByteArray());
        add(StoreNames.ORG_DESTINATIONS, Serdes.Long());
        add(StoreNames.EGRESS_PEER_BASELINES, Serdes.ByteArray());
        add(StoreNames.EGRESS_CLOCK, Serdes.Long());
        add(StoreNames.EGRESS_WATCHED, Serdes.Long());
        processor = new EgressProfileSupplier(
                        settings, new DetectorMetrics(new SimpleMeterRegistry()), hotHosts, java.time.Duration.ZERO)
                .get();
        processor.init(context);
    }

    /** Defaults, with {@code max} destinations remembered per host. */
    static EgressSettings settings(int max) {
        return EgressSettingsFactory.from(new ExfilguardConfig(Map.of(ExfilguardConfig.EGRESS_MAX_DESTINATIONS, max)));
    }

    @SuppressWarnings("unchecked")
    private <V> void add(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        KeyValueStore<String, V> counting = (KeyValueStore<String, V>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") || method.getName().equals("delete")) {
                        puts++;
                        bytesWritten += ((String) args[0]).length();
                        if (method.getName().equals("put")) {
                            bytesWritten += args[1] instanceof byte[] b ? b.length : args[1] == null ? 0 : Long.BYTES;
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        context.addStateStore(counting);
        stores.put(name, store);
    }

    /** Processes one record; returns the updates it forwarded. */
    List<EgressUpdate> process(Object value, long timestamp) {
        processor.process(new Record<>(null, value, timestamp));
        List<EgressUpdate> out = new ArrayList<>();
        context.forwarded().forEach(f -> out.add(f.record().value()));
        context.resetForwards();
        return out;
    }

    /** The read side's watermark (one read task): no later signal applies at or before {@code at}. */
    static org.exfilguard.schema.state.ReadSignal watermark(java.time.Instant at) {
        return org.exfilguard.detect.ReadSignals.watermark(at.toEpochMilli(), at.toEpochMilli(), 0, 1, false);
    }

    /** A bulk-read incident's record from {@code ip}, applying from the minute after {@code at}. */
    static org.exfilguard.schema.state.ReadSignal signal(
            String ip, String incident, java.time.Instant readStart, java.time.Instant at, byte[] alert) {
        return org.exfilguard.schema.state.ReadSignal.newBuilder()
                .setClientIp(ip)
                .setAccount("jdoe")
                .setAt(at)
                .setIncidentId(incident)
                .setTable("coop.members")
                .setReadStart(readStart)
                .setRows(40_000)
                .setCheckpoint(
                        java.time.Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), 60_000L) * 60_000L + 60_000L))
                .setAlert(java.nio.ByteBuffer.wrap(alert))
                .build();
    }

    /** The incident's close, its last read at {@code lastActivity}, sent when the read side's clock stood at {@code now}. */
    static org.exfilguard.schema.state.ReadSignal closing(
            String ip,
            String incident,
            java.time.Instant readStart,
            java.time.Instant lastActivity,
            java.time.Instant now) {
        return org.exfilguard.schema.state.ReadSignal.newBuilder()
                .setClientIp(ip)
                .setAccount("jdoe")
                .setAt(lastActivity)
                .setIncidentId(incident)
                .setTable("coop.members")
                .setReadStart(readStart)
                .setRows(40_000)
                .setCheckpoint(
                        java.time.Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), 60_000L) * 60_000L + 60_000L))
                .setClosing(true)
                .setLastActivity(lastActivity)
                .build();
    }

    @SuppressWarnings("unchecked")
    <V> KeyValueStore<String, V> store(String name) {
        return (KeyValueStore<String, V>) stores.get(name);
    }

    /** Key and value bytes put (or deleted) in all stores so far. */
    long bytesWritten() {
        return bytesWritten;
    }

    long writes() {
        return puts;
    }

    /** Every key and value held for keys starting with {@code prefix}, in bytes (longs as 8). */
    long bytesHeld(String storeName, String prefix) {
        long total = 0;
        try (var all = stores.get(storeName).all()) {
            while (all.hasNext()) {
                var kv = all.next();
                if (kv.key.startsWith(prefix)) {
                    total += kv.key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                            + (kv.value instanceof byte[] b ? b.length : Long.BYTES);
                }
            }
        }
        return total;
    }
}
