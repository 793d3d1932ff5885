package org.exfilguard.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
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
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.sim.BackgroundFlows;

/**
 * A developer's loop for the egress path, as {@link ProcessorProfileMain} is for reads: the realistic flow mix of
 * {@link BackgroundFlows} with a bulk-read signal every {@value #FLOWS_PER_SIGNAL} flows, through the egress-profile
 * processor alone on RocksDB stores (changelogs off, no broker). Prints flows/s and a digest of every EgressUpdate in
 * the order forwarded, so a speed change can be shown to change nothing else. Not a test. Run with the test classpath:
 * {@code java -cp detector/target/test-classes:detector/target/classes:CP org.exfilguard.topology.EgressProcessorMain 1000000 2000}
 */
public final class EgressProcessorMain {

    static final int FLOWS_PER_SIGNAL = 2_000;

    public static void main(String[] args) throws Exception {
        long flows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        // Optional: every update as a line (its evidence decoded), to see what a change of digest changed.
        java.io.PrintWriter dump = args.length > 3
                ? new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(args[3])))
                : null;
        var evidenceCodec = new org.exfilguard.incident.AvroBytes<>(org.exfilguard.schema.EgressEvidence.class);
        org.exfilguard.avro.AvroTrust.ensureTrusted();
        EgressSettings settings = org.exfilguard.config.EgressSettingsFactory.from(
                new ExfilguardConfig(Map.of(ExfilguardConfig.KNOWN_DESTINATIONS, BackgroundFlows.KNOWN_DESTINATIONS)));
        DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());

        List<Record<Object, Object>> input = input(flows, hosts, seed);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "egress-profile");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, org.exfilguard.config.BoundedRocksDbConfig.class);
        java.io.File stateDir = Files.createTempDirectory("exfilguard-egress").toFile();
        MockProcessorContext<String, EgressUpdate> context =
                new MockProcessorContext<>(props, new org.apache.kafka.streams.processor.TaskId(0, 0), stateDir);
        for (StoreBuilder<? extends KeyValueStore<String, ?>> builder : stores()) {
            KeyValueStore<String, ?> store =
                    builder.withLoggingDisabled().withCachingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        Processor<Object, Object, String, EgressUpdate> processor =
                new EgressProfileSupplier(settings, metrics, java.time.Duration.ZERO).get();
        processor.init(context);

        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long updates = 0;
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        // The last four fifths alone: the first fifth also pays for the JIT and the hosts' first days.
        int steadyFrom = input.size() / 5;
        long steadyCpu = 0;
        for (int r = 0; r < input.size(); r++) {
            if (r == steadyFrom) {
                steadyCpu = threads.getCurrentThreadCpuTime();
            }
            Record<Object, Object> record = input.get(r);
            processor.process(record);
            for (var forwarded : context.forwarded()) {
                EgressUpdate u = forwarded.record().value();
                digest.update((u.getAccount()
                                + '|'
                                + u.getIncidentId()
                                + '|'
                                + u.getTable()
                                + '|'
                                + u.getAt()
                                + '|'
                                + u.getUnusual()
                                + '|'
                                + u.getFinalReport()
                                + '|')
                        .getBytes(StandardCharsets.UTF_8));
                digest.update(u.getEvidence().duplicate());
                if (dump != null) {
                    dump.println(u.getAccount() + "|" + u.getIncidentId() + "|" + u.getAt() + "|" + u.getUnusual() + "|"
                            + u.getFinalReport() + "|"
                            + (u.getEvidence().remaining() == 0
                                    ? "no evidence"
                                    : evidenceCodec.decode(org.exfilguard.incident.AvroBytes.bytes(u.getEvidence()))));
                }
                updates++;
            }
            context.resetForwards();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (dump != null) {
            dump.close();
        }
        // The machine is shared: the stream thread's CPU time says what one core does.
        long cpuEnd = threads.getCurrentThreadCpuTime();
        double cpu = (cpuEnd - cpuStart) / 1e9;
        double steady = (cpuEnd - steadyCpu) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%,d flows (+%,d read signals) over %,d hosts in %.1f s (%.1f s CPU): %,.0f flows/s, "
                        + "%,.0f flows per CPU-second (%,.0f over the last four fifths); %,d egress updates, digest %s%n",
                flows,
                input.size() - flows,
                hosts,
                seconds,
                cpu,
                flows / seconds,
                flows / cpu,
                flows * 0.8 / steady,
                updates,
                HexFormat.of().formatHex(digest.digest()).substring(0, 16));
    }

    /** The egress processor's stores, as DetectorTopology declares them. */
    static List<StoreBuilder<? extends KeyValueStore<String, ?>>> stores() {
        return List.of(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.EGRESS_HOSTS), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.EGRESS_DESTINATIONS), Serdes.String(), Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.EGRESS_FRESH), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.ORG_DESTINATIONS), Serdes.String(), Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.EGRESS_PEER_BASELINES),
                        Serdes.String(),
                        Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.EGRESS_CLOCK), Serdes.String(), Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(StoreNames.EGRESS_WATCHED), Serdes.String(), Serdes.Long()));
    }

    /**
     * Flows evenly over the bench's fortnight, and now and then a bulk-read signal from a host (busy hosts among
     * them), repeated three times over ten minutes as an open incident's reads are, and its close two hours later; the
     * read side's watermark every minute.
     */
    static List<Record<Object, Object>> input(long flows, int hosts, long seed) {
        BackgroundFlows workload = new BackgroundFlows(hosts, seed, BenchWorkload.SOURCE_FORMAT);
        SplittableRandom signals = new SplittableRandom(seed);
        long span = BenchOptions.BACKLOG_SPAN.toMillis();
        long startMillis = BenchOptions.BACKLOG_START.toEpochMilli();
        List<Record<Object, Object>> input = new ArrayList<>((int) (flows + flows / FLOWS_PER_SIGNAL * 3 + 16));
        List<ReadSignal> pending = new ArrayList<>();
        long minute = Long.MIN_VALUE;
        for (long i = 0; i < flows; i++) {
            Instant at = Instant.ofEpochMilli(startMillis + (long) ((double) i * span / flows));
            // The read side's watermark, a minute behind the flows, as a live read task sends it.
            long now = Math.floorDiv(at.toEpochMilli(), 60_000L) * 60_000L;
            if (now > minute) {
                minute = now;
                input.add(new Record<>(
                        "",
                        ReadSignal.newBuilder()
                                .setClientIp("")
                                .setAccount("")
                                .setAt(Instant.ofEpochMilli(now - 60_000))
                                .setWatermark(Instant.ofEpochMilli(now - 60_000))
                                .setSource(0)
                                .setSources(1)
                                .build(),
                        now - 60_000));
            }
            pending.removeIf(s -> {
                if (s.getAt().isAfter(at)) {
                    return false;
                }
                input.add(new Record<>(s.getClientIp(), s, s.getAt().toEpochMilli()));
                return true;
            });
            var flow = workload.next(at);
            input.add(new Record<>(flow.getSrcIp(), flow, at.toEpochMilli()));
            if (i % FLOWS_PER_SIGNAL == FLOWS_PER_SIGNAL - 1) {
                int h = signals.nextInt(4) == 0 ? signals.nextInt(4) : signals.nextInt(hosts);
                String incident = "inc-" + i;
                for (int r = 0; r < 3; r++) {
                    Instant read = at.plus(Duration.ofMinutes(5L * r));
                    pending.add(ReadSignal.newBuilder()
                            .setClientIp(BackgroundFlows.host(h))
                            .setAccount("acct-" + h)
                            .setAt(read)
                            .setIncidentId(incident)
                            .setTable("coop.members")
                            .setReadStart(at)
                            .setRows(50_000L * (r + 1))
                            .setBytes(0)
                            .setCheckpoint(Instant.ofEpochMilli(
                                    Math.floorDiv(read.toEpochMilli(), 60_000L) * 60_000L + 60_000L))
                            .setAlert(java.nio.ByteBuffer.wrap(
                                    incident.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                            .build());
                }
                // The incident closes two hours after its last read: the egress side then sends its final report.
                Instant last = at.plus(Duration.ofMinutes(10));
                Instant closed = last.plus(Duration.ofHours(2));
                pending.add(ReadSignal.newBuilder()
                        .setClientIp(BackgroundFlows.host(h))
                        .setAccount("acct-" + h)
                        .setAt(closed)
                        .setIncidentId(incident)
                        .setTable("coop.members")
                        .setReadStart(at)
                        .setRows(150_000L)
                        .setBytes(0)
                        .setCheckpoint(
                                Instant.ofEpochMilli(Math.floorDiv(closed.toEpochMilli(), 60_000L) * 60_000L + 60_000L))
                        .setClosing(true)
                        .setLastActivity(last)
                        .build());
            }
        }
        pending.forEach(
                s -> input.add(new Record<>(s.getClientIp(), s, s.getAt().toEpochMilli())));
        return input;
    }
}
