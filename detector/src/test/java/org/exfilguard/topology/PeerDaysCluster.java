package org.exfilguard.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.detect.SharedPeerDays;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.suppress.AlertSuppressor;
import org.exfilguard.suppress.AllowListSource;
import org.exfilguard.testkit.TestWiring;

/**
 * Several read-profile tasks (one per db-access partition) on their own stores, passing their peer days to each other
 * through an in-memory {@code exfil-peer-days} topic, with exactly-once semantics as Kafka Streams gives them: a task's
 * store writes, the records it sent and its input offsets become visible together at its commit; a crash throws away
 * everything since its last commit (its stores are restored to what the changelog held, the records it sent are
 * aborted, its input is read again from the committed offsets) and its processor is started anew on the restored
 * stores. The order in which tasks take their next record, commit and crash is drawn from a seeded {@link Random},
 * so a run is reproducible and no wall time enters it: wall-clock punctuations run only when a test calls
 * {@link #punctuateAll(long)}.
 */
final class PeerDaysCluster {

    private static final String PEER_DAYS = "peerDays";
    private static final String ALERTS = "alerts";
    private static final String SIGNALS = "signals";

    private final ReadProfileSupplier supplier;
    private final int partitions;
    private final List<List<DbAccessEvent>> reads = new ArrayList<>();
    /** The committed records of exfil-peer-days, per partition (every partition gets every task's days). */
    private final List<List<byte[]>> peerDays = new ArrayList<>();

    private final List<ExfiltrationAlert> published = new ArrayList<>();
    private final Task[] tasks;
    private long wallNow = 1_000_000L;

    PeerDaysCluster(int partitions, List<DbAccessEvent> input, Duration follow) {
        this.partitions = partitions;
        this.supplier = new ReadProfileSupplier(
                TestWiring.defaults()
                        .table(org.exfilguard.detect.TableSettings.defaults().withEnabled(false))
                        .correlation(new Correlation(partitions, Duration.ZERO, Duration.ofMillis(200), follow))
                        .build(),
                new AlertSuppressor(AllowListSource.none(), () -> {}),
                new ReadProfileSupplier.Sinks(ALERTS, List.of(), SIGNALS, PEER_DAYS));
        for (int p = 0; p < partitions; p++) {
            reads.add(new ArrayList<>());
            peerDays.add(new ArrayList<>());
        }
        for (DbAccessEvent event : input) {
            reads.get(partitionOf(event.getAccount(), partitions)).add(event);
        }
        tasks = new Task[partitions];
        for (int p = 0; p < partitions; p++) {
            tasks[p] = new Task(p);
        }
    }

    /** The partition Kafka's default partitioner gives a record keyed by {@code account}. */
    static int partitionOf(String account, int partitions) {
        return Utils.toPositive(Utils.murmur2(account.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The reads of partition {@code p}, in order (a test may cut them short before the run). */
    List<DbAccessEvent> reads(int p) {
        return reads.get(p);
    }

    /** Every record each task can still take, in a seeded random order, committing and crashing as drawn. */
    void runToEnd(Random random, double commitChance, double crashChance) {
        while (true) {
            List<Task> ready = new ArrayList<>();
            for (Task t : tasks) {
                if (t.hasInput()) {
                    ready.add(t);
                }
            }
            if (ready.isEmpty()) {
                // Nothing left to read: what is pending is committed, and whatever that makes visible is read next.
                boolean any = false;
                for (Task t : tasks) {
                    any |= t.commit();
                }
                if (!any) {
                    return;
                }
                continue;
            }
            Task t = ready.get(random.nextInt(ready.size()));
            t.step(random);
            if (random.nextDouble() < commitChance) {
                t.commit();
            } else if (random.nextDouble() < crashChance) {
                t.crash();
            }
        }
    }

    /** Every task's wall-clock punctuation at {@code wall} (ms), as the stream thread runs them; then commits. */
    void punctuateAll(long wall) {
        wallNow = wall;
        for (Task t : tasks) {
            t.punctuate(wall);
        }
        for (Task t : tasks) {
            t.commit();
        }
    }

    /**
     * An at-least-once crash of task {@code p} right after its stores were flushed and before the records it sent
     * since its last commit reached the broker: its state and input offsets stay where it got to, its peer days of
     * that time are lost; its processor starts anew on that state.
     */
    void crashLosingSends(int p) {
        tasks[p].crashLosingSends();
    }

    /** Task {@code p} takes its next record (a peer day before a read). */
    void step(int p) {
        tasks[p].step(null);
    }

    /** Commits task {@code p}. */
    void commit(int p) {
        tasks[p].commit();
    }

    /** Takes every record task {@code p} can take now, then commits it. */
    void drain(int p) {
        while (tasks[p].hasInput()) {
            tasks[p].step(null);
        }
        tasks[p].commit();
    }

    /** The reads held by task {@code p} now (its processor's gauge). */
    int held(int p) {
        return tasks[p].held();
    }

    int heldTotal() {
        int total = 0;
        for (int p = 0; p < partitions; p++) {
            total += held(p);
        }
        return total;
    }

    /** The alert records committed so far, in commit order. */
    List<ExfiltrationAlert> published() {
        return List.copyOf(published);
    }

    /** Each task's peer day as the other tasks have accepted it (committed state of task {@code reader}). */
    SharedPeerDays shared(int reader) {
        byte[] bytes = tasks[reader].peerStore().get(ReadProfileSupplier.SHARED_KEY);
        return bytes == null ? new SharedPeerDays(partitions) : SharedPeerDays.decode(bytes, partitions);
    }

    /** The peer-days records committed to partition {@code p} of exfil-peer-days. */
    List<SharedPeerDays.Contribution> peerDays(int p) {
        return peerDays.get(p).stream().map(SharedPeerDays.Contribution::decode).toList();
    }

    private static List<StoreBuilder<? extends KeyValueStore<String, ?>>> storeBuilders() {
        return List.of(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.READ_PROFILES), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.PEER_BASELINES), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.OPEN_INCIDENTS), Serdes.String(), Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.EVENT_CLOCK), Serdes.String(), Serdes.Long()),
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.INCIDENT_EGRESS), Serdes.String(), Serdes.ByteArray()),
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StoreNames.DRIFT_STATE), Serdes.String(), Serdes.ByteArray()));
    }

    /** One read task: its processor, its stores, its input offsets and what it has sent since its last commit. */
    private final class Task {
        private final int partition;
        private MockProcessorContext<String, Object> context;
        private List<KeyValueStore<String, Object>> stores;
        private Processor<String, ReadInput, String, Object> processor;
        private int readOffset;
        private int peerOffset;
        private int committedRead;
        private int committedPeer;
        /** What the changelogs hold: each store's entries at the last commit. */
        private List<List<KeyValue<String, Object>>> changelog;

        private final List<byte[]> pendingDays = new ArrayList<>();
        private final List<ExfiltrationAlert> pendingAlerts = new ArrayList<>();
        private boolean dirty;

        Task(int partition) {
            this.partition = partition;
            this.changelog = new ArrayList<>();
            for (int i = 0; i < storeBuilders().size(); i++) {
                changelog.add(List.of());
            }
            start();
        }

        @SuppressWarnings("unchecked")
        private void start() {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "peer-days-cluster");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            context = new MockProcessorContext<>(
                    props, new TaskId(0, partition), new java.io.File(System.getProperty("java.io.tmpdir")));
            context.setCurrentSystemTimeMs(wallNow);
            stores = new ArrayList<>();
            List<StoreBuilder<? extends KeyValueStore<String, ?>>> builders = storeBuilders();
            for (int i = 0; i < builders.size(); i++) {
                KeyValueStore<String, Object> store = (KeyValueStore<String, Object>)
                        builders.get(i).withLoggingDisabled().build();
                store.init(context.getStateStoreContext(), store);
                for (KeyValue<String, Object> kv : changelog.get(i)) {
                    store.put(kv.key, kv.value);
                }
                stores.add(store);
                context.addStateStore(store);
            }
            processor = supplier.get();
            processor.init(context);
        }

        KeyValueStore<String, Object> peerStoreRaw() {
            return stores.get(1);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        KeyValueStore<String, byte[]> peerStore() {
            return (KeyValueStore) peerStoreRaw();
        }

        int held() {
            int count = 0;
            try (KeyValueIterator<String, Object> it =
                    peerStoreRaw().range(ReadProfileSupplier.HELD_PREFIX, ReadProfileSupplier.HELD_PREFIX + "~")) {
                while (it.hasNext()) {
                    it.next();
                    count++;
                }
            }
            return count;
        }

        boolean hasInput() {
            return readOffset < reads.get(partition).size()
                    || peerOffset < peerDays.get(partition).size();
        }

        /** Takes the next record of one of its input partitions (drawn when both have one). */
        void step(Random random) {
            boolean read = readOffset < reads.get(partition).size();
            boolean peer = peerOffset < peerDays.get(partition).size();
            if (read && peer && random != null) {
                read = random.nextBoolean();
            } else if (read && peer) {
                read = false;
            }
            if (read) {
                DbAccessEvent event = reads.get(partition).get(readOffset++);
                long at = event.getEventTime().toEpochMilli();
                KeyValueStore<String, Object> clock = stores.get(3);
                Long now = (Long) clock.get(EventClock.KEY);
                if (now == null || EventClock.tick(at) > now) {
                    clock.put(EventClock.KEY, EventClock.tick(at));
                }
                process(new Record<>(event.getAccount(), new ReadInput.Read(event), at));
            } else {
                byte[] value = peerDays.get(partition).get(peerOffset++);
                SharedPeerDays.Contribution c = SharedPeerDays.Contribution.decode(value);
                process(new Record<>(c.recordKey(), new ReadInput.PeerDay(c), 0L));
            }
            dirty = true;
        }

        void punctuate(long wall) {
            context.setCurrentSystemTimeMs(wall);
            context.resetForwards();
            for (MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
                p.getPunctuator().punctuate(wall);
            }
            collect(wall);
            dirty = true;
        }

        private void process(Record<String, ReadInput> record) {
            context.resetForwards();
            processor.process(record);
            collect(record.timestamp());
        }

        /**
         * The records the processor forwarded: peer days and alerts wait for the commit; a close that waits for the
         * egress side's final report gets one at once (nothing left the host), as a caught-up egress side answers.
         */
        private void collect(long timestamp) {
            List<ReadSignal> closes = new ArrayList<>();
            for (MockProcessorContext.CapturedForward<? extends String, ?> f : context.forwarded()) {
                String child = f.childName().orElse("");
                if (child.equals(PEER_DAYS)) {
                    pendingDays.add((byte[]) f.record().value());
                } else if (child.equals(ALERTS)) {
                    pendingAlerts.add((ExfiltrationAlert) f.record().value());
                } else if (child.equals(SIGNALS) && ((ReadSignal) f.record().value()).getClosing()) {
                    closes.add((ReadSignal) f.record().value());
                }
            }
            for (ReadSignal c : closes) {
                process(new Record<>(
                        c.getAccount(),
                        new ReadInput.Egress(EgressUpdate.newBuilder()
                                .setAccount(c.getAccount())
                                .setIncidentId(c.getIncidentId())
                                .setTable(c.getTable())
                                .setAt(c.getCheckpoint())
                                .setUnusual(false)
                                .setFinalReport(true)
                                .setEvidence(java.nio.ByteBuffer.wrap(new byte[0]))
                                .setSrcIp(c.getClientIp())
                                .build()),
                        timestamp));
            }
        }

        /** Commits: the stores' state, the sent records and the offsets become visible. True if it changed anything. */
        boolean commit() {
            if (!dirty && pendingDays.isEmpty() && pendingAlerts.isEmpty()) {
                return false;
            }
            List<List<KeyValue<String, Object>>> snapshot = new ArrayList<>();
            for (KeyValueStore<String, Object> store : stores) {
                List<KeyValue<String, Object>> entries = new ArrayList<>();
                try (KeyValueIterator<String, Object> it = store.all()) {
                    it.forEachRemaining(entries::add);
                }
                snapshot.add(entries);
            }
            changelog = snapshot;
            boolean sent = !pendingDays.isEmpty();
            for (byte[] day : pendingDays) {
                for (List<byte[]> partitionDays : peerDays) {
                    partitionDays.add(day);
                }
            }
            pendingDays.clear();
            published.addAll(pendingAlerts);
            pendingAlerts.clear();
            committedRead = readOffset;
            committedPeer = peerOffset;
            dirty = false;
            return sent;
        }

        void crashLosingSends() {
            pendingDays.clear();
            commit();
            processor.close();
            start();
        }

        /** A crash: everything since the last commit is lost; the task starts again on the changelogs' state. */
        void crash() {
            processor.close();
            pendingDays.clear();
            pendingAlerts.clear();
            readOffset = committedRead;
            peerOffset = committedPeer;
            dirty = false;
            start();
        }
    }

    /** Alert ids, for comparing runs. */
    static List<String> ids(List<ExfiltrationAlert> alerts) {
        return alerts.stream().map(ExfiltrationAlert::getAlertId).sorted().toList();
    }
}
