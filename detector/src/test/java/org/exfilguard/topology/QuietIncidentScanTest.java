package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.suppress.AlertSuppressor;
import org.exfilguard.suppress.AllowListSource;
import org.exfilguard.testkit.TestEvents;
import org.exfilguard.testkit.TestWiring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiet incidents close with the read that moves the event clock past their due minute, in the read-profile
 * processor itself. Kafka Streams runs punctuators after a batch of records whose size depends on timing (and once
 * more whenever a task starts), so closing them from a punctuator made the alerts of the same input depend on how it
 * was batched: which reads found an incident open and which found it closed. Driven here through a mock context,
 * where nothing punctuates unless the test does.
 */
class QuietIncidentScanTest {

    private static final Instant BURST =
            DetectorTopologyTest.DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));
    private static final Instant DUE = BURST.plus(Duration.ofHours(2));

    @TempDir
    Path stateDir;

    @Test
    void quietIncidentClosesWithTheFirstReadOfItsDueMinuteWithoutAnyPunctuator() throws Exception {
        ReadPath path = new ReadPath(stateDir);
        DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 7).forEach(path::read);
        assertThat(path.read(dump("jdoe", BURST)))
                .extracting(ExfiltrationAlert::getStatus)
                .containsExactly(AlertStatus.OPENED);
        assertThat(path.context.scheduledPunctuators())
                .as("no stream-time punctuator: nothing depends on when one would run")
                .allSatisfy(p -> assertThat(p.getType())
                        .isEqualTo(org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME));

        assertThat(path.read(other(DUE.minusSeconds(1)))).as("not quiet yet").isEmpty();
        List<ExfiltrationAlert> closed = path.read(other(DUE.plusSeconds(30)));
        assertThat(closed).extracting(ExfiltrationAlert::getStatus).containsExactly(AlertStatus.CLOSED);
        assertThat(closed.get(0).getAccount()).isEqualTo("jdoe");
        assertThat(closed.get(0).getDetectedAt()).isEqualTo(DUE);
    }

    @Test
    void processorStartedOnTheStoresOfAnotherClosesTheSameIncidentsAtTheSameRead() throws Exception {
        // One processor runs throughout; another is started on the first's stores half-way (as after a rebalance).
        ReadPath whole = new ReadPath(stateDir.resolve("whole"));
        List<DbAccessEvent> history = DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 7);
        history.forEach(whole::read);
        whole.read(dump("jdoe", BURST));
        List<ExfiltrationAlert> late = new java.util.ArrayList<>();
        late.addAll(whole.read(other(DUE.minusSeconds(40))));
        late.addAll(whole.read(other(DUE.plusSeconds(20))));
        // A read jdoe made before the incident fell quiet, arriving after the clock passed its due minute.
        late.addAll(whole.read(dump("jdoe", DUE.minusSeconds(3))));

        ReadPath first = new ReadPath(stateDir.resolve("split"));
        history.forEach(first::read);
        first.read(dump("jdoe", BURST));
        List<ExfiltrationAlert> split = new java.util.ArrayList<>(first.read(other(DUE.minusSeconds(40))));
        ReadPath second = first.restarted();
        split.addAll(second.read(other(DUE.plusSeconds(20))));
        split.addAll(second.read(dump("jdoe", DUE.minusSeconds(3))));

        assertThat(late)
                .extracting(ExfiltrationAlert::getStatus)
                .containsExactly(AlertStatus.CLOSED, AlertStatus.OPENED);
        assertThat(split)
                .extracting(ExfiltrationAlert::getAlertId)
                .isEqualTo(late.stream().map(ExfiltrationAlert::getAlertId).toList());
    }

    private static DbAccessEvent dump(String account, Instant at) {
        return TestEvents.dbRead()
                .account(account)
                .rows(2_000_000)
                .fingerprint("select * from coop.members")
                .at(at)
                .build();
    }

    private static DbAccessEvent other(Instant at) {
        return TestEvents.dbRead().account("other").rows(2).at(at).build();
    }

    /** The read-profile processor on its stores, fed decoded reads as the decode processor forwards them. */
    private static final class ReadPath {
        private final DetectionSettings settings =
                DetectionSettings.defaults(SensitiveTables.parse("coop.members,coop.member_cards"));
        private final Path dir;
        private final MockProcessorContext<String, Object> context;
        private final List<KeyValueStore<String, ?>> stores;
        private final Processor<String, ReadInput, String, Object> processor;

        ReadPath(Path dir) throws java.io.IOException {
            this(dir, null);
        }

        private ReadPath(Path dir, List<KeyValueStore<String, ?>> existing) throws java.io.IOException {
            this.dir = Files.createDirectories(dir);
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "quiet-scan");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            context = new MockProcessorContext<>(props, new TaskId(0, 0), dir.toFile());
            if (existing == null) {
                List<StoreBuilder<? extends KeyValueStore<String, ?>>> builders = List.of(
                        Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.READ_PROFILES),
                                Serdes.String(),
                                Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.PEER_BASELINES),
                                Serdes.String(),
                                Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.OPEN_INCIDENTS),
                                Serdes.String(),
                                Serdes.Long()),
                        Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.EVENT_CLOCK), Serdes.String(), Serdes.Long()),
                        Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.INCIDENT_EGRESS),
                                Serdes.String(),
                                Serdes.ByteArray()),
                        Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(StoreNames.DRIFT_STATE),
                                Serdes.String(),
                                Serdes.ByteArray()));
                stores = new java.util.ArrayList<>();
                for (StoreBuilder<? extends KeyValueStore<String, ?>> builder : builders) {
                    KeyValueStore<String, ?> store =
                            builder.withLoggingDisabled().build();
                    store.init(context.getStateStoreContext(), store);
                    stores.add(store);
                }
            } else {
                stores = existing;
            }
            stores.forEach(context::addStateStore);
            processor = new ReadProfileSupplier(
                            // The read path alone: no table profile answers here, so its closes are not held for
                            // table links (TableSurgeTopologyTest covers those).
                            TestWiring.defaults()
                                    .detection(settings)
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
            processor.init(context);
        }

        /** A new processor on these stores, as a task restarted on another instance from its changelog would be. */
        ReadPath restarted() throws java.io.IOException {
            return new ReadPath(dir, stores);
        }

        /** Processes one read (advancing the event clock as the decode processor does) and returns its alerts. */
        List<ExfiltrationAlert> read(DbAccessEvent event) {
            long at = event.getEventTime().toEpochMilli();
            @SuppressWarnings("unchecked")
            KeyValueStore<String, Long> clock = (KeyValueStore<String, Long>) stores.get(3);
            Long now = clock.get(EventClock.KEY);
            if (now == null || EventClock.tick(at) > now) {
                clock.put(EventClock.KEY, EventClock.tick(at));
            }
            context.resetForwards();
            processor.process(new Record<>(event.getAccount(), new ReadInput.Read(event), at));
            List<ExfiltrationAlert> alerts = new java.util.ArrayList<>(context.forwarded("alerts").stream()
                    .map(f -> (ExfiltrationAlert) f.record().value())
                    .toList());
            // An egress side already past the horizon answers each close at once: nothing left the host.
            List<org.exfilguard.schema.state.ReadSignal> closes = context.forwarded("signals").stream()
                    .map(f ->
                            (org.exfilguard.schema.state.ReadSignal) f.record().value())
                    .filter(r -> r.getClosing())
                    .toList();
            for (org.exfilguard.schema.state.ReadSignal c : closes) {
                context.resetForwards();
                processor.process(new Record<>(
                        c.getAccount(),
                        new ReadInput.Egress(org.exfilguard.schema.state.EgressUpdate.newBuilder()
                                .setAccount(c.getAccount())
                                .setIncidentId(c.getIncidentId())
                                .setTable(c.getTable())
                                .setAt(c.getCheckpoint())
                                .setUnusual(false)
                                .setFinalReport(true)
                                .setEvidence(java.nio.ByteBuffer.wrap(new byte[0]))
                                .setSrcIp(c.getClientIp())
                                .build()),
                        at));
                context.forwarded("alerts")
                        .forEach(f -> alerts.add((ExfiltrationAlert) f.record().value()));
            }
            return alerts;
        }
    }
}
