package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.detect.EgressSettings;
import org.exfilguard.detect.MapDestinations;
import org.exfilguard.incident.AvroBytes;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.state.EgressHostState;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.FreshDestination;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.schema.state.WatchedRead;
import org.exfilguard.testkit.TestFlows;
import org.junit.jupiter.api.Test;

/** The egress state's stored layout: per-flow cost, the upgrade from the Avro EgressHostState, corrupt state. */
class EgressStateTest {

    static final String HOST = "10.8.4.21";
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private static EgressUpdate flow(EgressProcessorFixture egress, String dst, long bytes, Instant at, List<EgressUpdate> into) {
        List<EgressUpdate> out = egress.process(TestFlows.flow().from(HOST).to(dst).bytesOut(bytes).at(at).build(), at.toEpochMilli());
        into.addAll(out);
        return out.isEmpty() ? null : out.get(out.size() - 1);
    }

    /** Destination {@code i} (below 90,000), all of the same length. */
    private static String external(int i) {
        return "1" + (10 + i / 1_000) + "." + (100 + i / 10 % 100) + "." + (100 + i % 10) + ".7";
    }

    @Test
    void aBusyHostWritesNoMorePerFlowAfterTenThousandDestinationsThanAfterOneThousand() {
        EgressProcessorFixture egress = new EgressProcessorFixture(EgressProcessorFixture.settings(512), HotHosts.CAPACITY);
        List<EgressUpdate> updates = new ArrayList<>();
        // A month of a usual site first, so the windows' daily history is full (it does not grow after 28 days).
        for (int d = 0; d < 30; d++) {
            flow(egress, "93.184.216.1", 20_000, T0.plus(Duration.ofDays(d)), updates);
        }
        // Then 10,000 new destinations over ten days, each followed by a flow to the usual site.
        Instant start = T0.plus(Duration.ofDays(30));
        long[] bytesAt = new long[10_001];
        for (int i = 0; i < 10_000; i++) {
            Instant at = start.plus(Duration.ofSeconds(86L * i));
            flow(egress, external(i), 30_000, at, updates);
            flow(egress, "93.184.216.1", 20_000, at.plusSeconds(1), updates);
            bytesAt[i + 1] = egress.bytesWritten();
        }
        double early = (bytesAt[2_000] - bytesAt[1_000]) / 2_000.0;
        double late = (bytesAt[10_000] - bytesAt[9_000]) / 2_000.0;
        System.out.printf("bytes written per flow: destinations 1,000-2,000: %.0f; 9,000-10,000: %.0f%n", early, late);
        assertThat(late).as("bytes written per flow late").isLessThanOrEqualTo(early * 1.1);
        byte[] previousLayout = new AvroBytes<>(EgressHostState.class).encode(previousLayoutAtCapacity());
        System.out.printf("the previous layout rewrote %,d bytes per flow at 512 destinations and 256 fresh%n", previousLayout.length);
        assertThat(late).as("bytes written per flow").isLessThan(1_000).isLessThan(previousLayout.length / 10.0);
        int hostRecord = egress.<byte[]>store(StoreNames.EGRESS_HOSTS).get(HOST).length;
        System.out.printf("host record (windows with 28 days of history, count, reads): %d bytes%n", hostRecord);
        assertThat(hostRecord).isLessThan(1_000);
    }

    /** The previous build's EgressHostState of a busy host: 512 destinations, 256 fresh, as in the test above. */
    private static EgressHostState previousLayoutAtCapacity() {
        Map<String, Long> destinations = new HashMap<>();
        List<FreshDestination> fresh = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            destinations.put(external(9_000 + i), T0.toEpochMilli() + 86_000L * i);
            if (i >= 256) {
                fresh.add(FreshDestination.newBuilder().setDstIp(external(9_000 + i)).setDstHost(null).setDstPort(443)
                        .setFirstSeenInOrg(true).setFirst(T0.plusSeconds(86L * i)).setLast(T0.plusSeconds(86L * i))
                        .setBytes(30_000).setFlows(1).build());
            }
        }
        return EgressHostState.newBuilder().setSrcIp(HOST).setVolume(ByteBuffer.wrap(new byte[300])).setDestinations(destinations)
                .setAccounts(Map.of()).setFresh(fresh).setReads(List.of()).build();
    }

    @Test
    void stateHeldForAHostWithTwoThousandDestinationsInItsHistory() {
        EgressProcessorFixture egress = new EgressProcessorFixture(EgressProcessorFixture.settings(512), HotHosts.CAPACITY);
        List<EgressUpdate> updates = new ArrayList<>();
        flow(egress, "93.184.216.1", 20_000, T0, updates);
        for (int i = 0; i < 2_000; i++) {
            flow(egress, external(i), 30_000, T0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(10L * i)), updates);
        }
        long host = egress.bytesHeld(StoreNames.EGRESS_HOSTS, HOST);
        long destinations = egress.bytesHeld(StoreNames.EGRESS_DESTINATIONS, HOST + "\0");
        long fresh = egress.bytesHeld(StoreNames.EGRESS_FRESH, HOST);
        System.out.printf("held for a host with 2,000 destinations: host record %d, destinations %d (%d keys), fresh %d; total %d bytes%n",
                host, destinations, egress.store(StoreNames.EGRESS_DESTINATIONS).approximateNumEntries(), fresh,
                host + destinations + fresh);
        assertThat(egress.store(StoreNames.EGRESS_DESTINATIONS).approximateNumEntries()).isEqualTo(512);
        assertThat(host + destinations + fresh).isLessThan(40_000);
    }

    /** An EgressHostState as the previous build wrote it (Avro, with its destinations and fresh list inside). */
    private static byte[] previousBuildState(EgressSettings settings, Instant readStart) {
        ProfileCodec volume = new ProfileCodec(settings.volume());
        ScopeProfile profile = ScopeProfile.fresh(HOST, EgressProfileSupplier.VOLUME_SCOPE, settings.volume().windows(),
                settings.volume().historyDays(), T0);
        Map<String, Long> destinations = new HashMap<>();
        destinations.put("198.51.100.1", T0.toEpochMilli());
        destinations.put("198.51.100.2", readStart.plusSeconds(60).toEpochMilli());
        destinations.put("198.51.100.3", T0.plusSeconds(5).toEpochMilli());
        EgressHostState state = EgressHostState.newBuilder().setSrcIp(HOST).setVolume(ByteBuffer.wrap(volume.encode(profile)))
                .setDestinations(destinations).setAccounts(Map.of("jdoe", T0.toEpochMilli()))
                .setFresh(List.of(FreshDestination.newBuilder().setDstIp("198.51.100.2").setDstHost("drop.example").setDstPort(443)
                        .setFirstSeenInOrg(true).setFirst(readStart.plusSeconds(60)).setLast(readStart.plusSeconds(60))
                        .setBytes(1_000).setFlows(1).build()))
                .setReads(List.of(WatchedRead.newBuilder().setIncidentId("inc-1").setAccount("jdoe").setTable("coop.members")
                        .setReadStart(readStart).setLastRead(readStart).setRows(50_000).build()))
                .build();
        return new AvroBytes<>(EgressHostState.class).encode(state);
    }

    @Test
    void readsThePreviousBuildsEgressStateWithItsDestinationsFreshListAndWatchedReads() {
        EgressSettings settings = EgressProcessorFixture.settings(512);
        EgressProcessorFixture egress = new EgressProcessorFixture(settings, HotHosts.CAPACITY);
        Instant readStart = T0.plus(Duration.ofDays(3));
        byte[] previous = previousBuildState(settings, readStart);
        egress.<byte[]>store(StoreNames.EGRESS_HOSTS).put(HOST, previous);
        AvroBytes<EgressEvidence> evidence = new AvroBytes<>(EgressEvidence.class);
        List<EgressUpdate> updates = new ArrayList<>();

        // The read watched by the previous build reports its evidence so far: the fresh entry of the previous build.
        EgressUpdate known = flow(egress, "198.51.100.1", 50_000_000, readStart.plusSeconds(120), updates);
        assertThat(known.getIncidentId()).isEqualTo("inc-1");
        assertThat(known.getAccount()).isEqualTo("jdoe");
        assertThat(evidence.decode(AvroBytes.bytes(known.getEvidence())).getDestinations())
                .as("a destination the host used before the upgrade is not new")
                .extracting(EgressDestination::getDstIp).containsExactly("198.51.100.2");
        EgressUpdate first = flow(egress, "203.0.113.9", 20_000_000, readStart.plusSeconds(180), updates);
        assertThat(first.getIncidentId()).isEqualTo("inc-1");
        assertThat(first.getUnusual()).isTrue();
        EgressUpdate second = flow(egress, "198.51.100.2", 5_000_000, readStart.plusSeconds(240), updates);
        EgressEvidence grown = evidence.decode(AvroBytes.bytes(second.getEvidence()));
        assertThat(grown.getBytesOut()).isEqualTo(25_001_000L);
        EgressDestination kept = grown.getDestinations().stream().filter(d -> d.getDstIp().equals("198.51.100.2")).findFirst().orElseThrow();
        assertThat(kept.getDstHost()).as("the fresh entry of the previous build, with its counters").isEqualTo("drop.example");
        assertThat(kept.getFlows()).isEqualTo(2);
        assertThat(kept.getBytesOut()).isEqualTo(5_001_000L);

        byte[] now = egress.<byte[]>store(StoreNames.EGRESS_HOSTS).get(HOST);
        assertThat(now[0] & 0xFF).as("rewritten in the new layout").isEqualTo(EgressHostCodec.TAG);
        assertThat(now[1]).isEqualTo((byte) EgressHostCodec.VERSION);
        assertThat(egress.<Long>store(StoreNames.EGRESS_DESTINATIONS).get(StoredDestinations.key(HOST, "198.51.100.3")))
                .isEqualTo(T0.plusSeconds(5).toEpochMilli());
        assertThat(egress.store(StoreNames.EGRESS_DESTINATIONS).approximateNumEntries()).isEqualTo(4);
        // And a fresh processor (nothing cached) reads the moved state back.
        EgressProcessorFixture cold = new EgressProcessorFixture(settings, 0);
        copy(egress, cold);
        assertThat(flow(cold, "198.51.100.3", 6_000_000, readStart.plusSeconds(300), updates))
                .as("known before the upgrade, still known").isNull();
        EgressUpdate third = flow(cold, "203.0.113.9", 6_000_000, readStart.plusSeconds(360), updates);
        assertThat(evidence.decode(AvroBytes.bytes(third.getEvidence())).getBytesOut()).isEqualTo(31_001_000L);
    }

    private static void copy(EgressProcessorFixture from, EgressProcessorFixture to) {
        for (String name : List.of(StoreNames.EGRESS_HOSTS, StoreNames.EGRESS_DESTINATIONS, StoreNames.EGRESS_FRESH,
                StoreNames.ORG_DESTINATIONS, StoreNames.EGRESS_PEER_BASELINES)) {
            KeyValueStore<String, Object> target = to.store(name);
            try (var all = from.<Object>store(name).all()) {
                all.forEachRemaining(kv -> target.put(kv.key, kv.value));
            }
        }
    }

    @Test
    void stateOfANewerLayoutOrCorruptStateFailsWithAClearMessage() {
        EgressHostCodec codec = new EgressHostCodec();
        byte[] host = codec.encodeHost(HOST, new byte[] {1, 2}, 3, List.of());
        assertThat(codec.decodeHost(host).destinations()).isEqualTo(3);
        byte[] newer = host.clone();
        newer[1] = 2;
        assertThatThrownBy(() -> codec.decodeHost(newer)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layout version 2").hasMessageContaining("this detector reads 1")
                .hasMessageContaining("newer version");
        byte[] cut = java.util.Arrays.copyOf(host, host.length - 2);
        assertThatThrownBy(() -> codec.decodeHost(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt egress host state");
        byte[] entry = codec.encodeFreshEntry(FreshDestination.newBuilder().setDstIp("198.51.100.2").setDstHost(null).setDstPort(null)
                .setFirstSeenInOrg(false).setFirst(T0).setLast(T0.plusSeconds(9)).setBytes(5).setFlows(2).build());
        assertThat(codec.decodeFreshEntry(entry).getLast()).isEqualTo(T0.plusSeconds(9));
        byte[] longer = java.util.Arrays.copyOf(entry, entry.length + 1);
        assertThatThrownBy(() -> codec.decodeFreshEntry(longer)).hasMessageContaining("corrupt egress fresh-destination entry")
                .hasMessageContaining("bytes left");
        assertThatThrownBy(() -> codec.decodeLegacy(new byte[] {2, 'x', 9})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither layout 1 nor an earlier version's Avro EgressHostState");
    }

    @Test
    void storedDestinationsForgetExactlyWhatTheMapOfThePreviousLayoutForgot() {
        SplittableRandom random = new SplittableRandom(7);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("d"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        for (int round = 0; round < 20; round++) {
            int max = 8 + random.nextInt(120);
            String src = "10.0.0." + round;
            MapDestinations reference = new MapDestinations();
            StoredDestinations stored = new StoredDestinations(store, src, 0);
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                // Out of order and with ties on time; now and then the same destination again after it was forgotten.
                String dst = random.nextInt(4) == 0 && !seen.isEmpty() ? seen.get(random.nextInt(seen.size())) : "198.51." + random.nextInt(40) + "." + random.nextInt(256);
                long at = 1_000_000L + i * 10L - random.nextInt(200) / 10 * 10L;
                assertThat(stored.contains(dst)).isEqualTo(reference.contains(dst));
                if (!reference.contains(dst)) {
                    reference.add(dst, at, max);
                    stored.add(dst, at, max);
                    seen.add(dst);
                }
                assertThat(stored.size()).isEqualTo(reference.size());
                if (random.nextInt(200) == 0) {
                    // A restart or a cold host: the in-memory oldest set is gone.
                    stored = new StoredDestinations(store, src, stored.size());
                }
            }
            Map<String, Long> held = new HashMap<>();
            try (var all = store.prefixScan(src + "\0", new org.apache.kafka.common.serialization.StringSerializer())) {
                all.forEachRemaining(kv -> held.put(kv.key.substring(src.length() + 1), kv.value));
            }
            assertThat(held).isEqualTo(reference.asMap());
        }
    }

    @Test
    void aHostReadFromTheStoresOnEveryFlowGivesTheSameUpdatesAsACachedOne() {
        EgressSettings settings = EgressProcessorFixture.settings(16);
        EgressProcessorFixture cached = new EgressProcessorFixture(settings, HotHosts.CAPACITY);
        EgressProcessorFixture cold = new EgressProcessorFixture(settings, 0);
        SplittableRandom random = new SplittableRandom(11);
        List<EgressUpdate> fromCached = new ArrayList<>();
        List<EgressUpdate> fromCold = new ArrayList<>();
        Instant start = T0.plus(Duration.ofDays(1));
        for (int i = 0; i < 20_000; i++) {
            Instant at = start.plus(Duration.ofSeconds(40L * i - random.nextInt(600)));
            Object value;
            if (i % 500 == 250) {
                value = ReadSignal.newBuilder().setClientIp(HOST).setAccount("jdoe").setAt(at).setIncidentId("inc-" + i / 1_000)
                        .setTable("coop.members").setReadStart(at.minusSeconds(60)).setRows(40_000).build();
            } else {
                String dst = random.nextInt(3) == 0 ? "198.51.100." + random.nextInt(40) : external(random.nextInt(3_000));
                value = TestFlows.flow().from(HOST).to(dst).bytesOut(1_000 + random.nextInt(3_000_000)).at(at).build();
            }
            fromCached.addAll(cached.process(value, at.toEpochMilli()));
            fromCold.addAll(cold.process(value, at.toEpochMilli()));
        }
        assertThat(fromCached).hasSizeGreaterThan(20);
        assertThat(fromCold).isEqualTo(fromCached);
    }
}
