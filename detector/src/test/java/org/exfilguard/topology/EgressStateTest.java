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
import org.exfilguard.schema.state.WatchedRead;
import org.exfilguard.testkit.TestFlows;
import org.junit.jupiter.api.Test;

/** The egress state's stored layout: per-flow cost, the upgrade from the Avro EgressHostState, corrupt state. */
class EgressStateTest {

    static final String HOST = "10.8.4.21";
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private static EgressUpdate flow(
            EgressProcessorFixture egress, String dst, long bytes, Instant at, List<EgressUpdate> into) {
        List<EgressUpdate> out = egress.process(
                TestFlows.flow().from(HOST).to(dst).bytesOut(bytes).at(at).build(), at.toEpochMilli());
        into.addAll(out);
        return out.isEmpty() ? null : out.get(out.size() - 1);
    }

    /** Destination {@code i} (below 90,000), all of the same length. */
    private static String external(int i) {
        return "1" + (10 + i / 1_000) + "." + (100 + i / 10 % 100) + "." + (100 + i % 10) + ".7";
    }

    @Test
    void aBusyHostWritesNoMorePerFlowAfterTenThousandDestinationsThanAfterOneThousand() {
        EgressProcessorFixture egress =
                new EgressProcessorFixture(EgressProcessorFixture.settings(512), HotCache.HOSTS);
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
            // The read side's watermark follows a minute behind, as in a live run.
            egress.process(EgressProcessorFixture.watermark(at.minusSeconds(60)), at.toEpochMilli());
            flow(egress, external(i), 30_000, at, updates);
            flow(egress, "93.184.216.1", 20_000, at.plusSeconds(1), updates);
            bytesAt[i + 1] = egress.bytesWritten();
        }
        double early = (bytesAt[2_000] - bytesAt[1_000]) / 2_000.0;
        double late = (bytesAt[10_000] - bytesAt[9_000]) / 2_000.0;
        System.out.printf("bytes written per flow: destinations 1,000-2,000: %.0f; 9,000-10,000: %.0f%n", early, late);
        assertThat(late).as("bytes written per flow late").isLessThanOrEqualTo(early * 1.1);
        byte[] previousLayout = new AvroBytes<>(EgressHostState.class).encode(previousLayoutAtCapacity());
        System.out.printf(
                "the previous layout rewrote %,d bytes per flow at 512 destinations and 256 fresh%n",
                previousLayout.length);
        assertThat(late).as("bytes written per flow").isLessThan(1_000).isLessThan(previousLayout.length / 10.0);
        int hostRecord = egress.<byte[]>store(StoreNames.EGRESS_HOSTS).get(HOST).length;
        System.out.printf("host record (windows with 28 days of history, count, reads): %d bytes%n", hostRecord);
        assertThat(hostRecord).isLessThan(1_000);
        // Thousands of fresh entries came and went: the host's keys are its order record and one per entry held.
        int freshKeys = 0;
        try (var all = egress.<byte[]>store(StoreNames.EGRESS_FRESH)
                .prefixScan(HOST, new org.apache.kafka.common.serialization.StringSerializer())) {
            while (all.hasNext()) {
                freshKeys++;
                all.next();
            }
        }
        assertThat(freshKeys)
                .as("at most 256 entries (the correlator's bound) and the order")
                .isLessThanOrEqualTo(257);
    }

    /** The previous build's EgressHostState of a busy host: 512 destinations, 256 fresh, as in the test above. */
    private static EgressHostState previousLayoutAtCapacity() {
        Map<String, Long> destinations = new HashMap<>();
        List<FreshDestination> fresh = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            destinations.put(external(9_000 + i), T0.toEpochMilli() + 86_000L * i);
            if (i >= 256) {
                fresh.add(FreshDestination.newBuilder()
                        .setDstIp(external(9_000 + i))
                        .setDstHost(null)
                        .setDstPort(443)
                        .setFirstSeenInOrg(true)
                        .setFirst(T0.plusSeconds(86L * i))
                        .setLast(T0.plusSeconds(86L * i))
                        .setBytes(30_000)
                        .setFlows(1)
                        .build());
            }
        }
        return EgressHostState.newBuilder()
                .setSrcIp(HOST)
                .setVolume(ByteBuffer.wrap(new byte[300]))
                .setDestinations(destinations)
                .setAccounts(Map.of())
                .setFresh(fresh)
                .setReads(List.of())
                .build();
    }

    @Test
    void stateHeldForAHostWithTwoThousandDestinationsInItsHistory() {
        EgressProcessorFixture egress =
                new EgressProcessorFixture(EgressProcessorFixture.settings(512), HotCache.HOSTS);
        List<EgressUpdate> updates = new ArrayList<>();
        flow(egress, "93.184.216.1", 20_000, T0, updates);
        for (int i = 0; i < 2_000; i++) {
            flow(egress, external(i), 30_000, T0.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(10L * i)), updates);
        }
        long host = egress.bytesHeld(StoreNames.EGRESS_HOSTS, HOST);
        long destinations = egress.bytesHeld(StoreNames.EGRESS_DESTINATIONS, HOST + "\0");
        long fresh = egress.bytesHeld(StoreNames.EGRESS_FRESH, HOST);
        System.out.printf(
                "held for a host with 2,000 destinations: host record %d, destinations %d (%d keys), fresh %d; total %d bytes%n",
                host,
                destinations,
                egress.store(StoreNames.EGRESS_DESTINATIONS).approximateNumEntries(),
                fresh,
                host + destinations + fresh);
        assertThat(egress.store(StoreNames.EGRESS_DESTINATIONS).approximateNumEntries())
                .isEqualTo(512);
        assertThat(host + destinations + fresh).isLessThan(40_000);
    }

    /** An EgressHostState as the previous build wrote it (Avro, with its destinations and fresh list inside). */
    private static byte[] previousBuildState(EgressSettings settings, Instant readStart) {
        ProfileCodec volume = new ProfileCodec(settings.volume());
        ScopeProfile profile = ScopeProfile.fresh(
                HOST,
                EgressProfileSupplier.VOLUME_SCOPE,
                settings.volume().windows(),
                settings.volume().historyDays(),
                T0);
        Map<String, Long> destinations = new HashMap<>();
        destinations.put("198.51.100.1", T0.toEpochMilli());
        destinations.put("198.51.100.2", readStart.plusSeconds(60).toEpochMilli());
        destinations.put("198.51.100.3", T0.plusSeconds(5).toEpochMilli());
        EgressHostState state = EgressHostState.newBuilder()
                .setSrcIp(HOST)
                .setVolume(ByteBuffer.wrap(volume.encode(profile)))
                .setDestinations(destinations)
                .setAccounts(Map.of("jdoe", T0.toEpochMilli()))
                .setFresh(List.of(FreshDestination.newBuilder()
                        .setDstIp("198.51.100.2")
                        .setDstHost("drop.example")
                        .setDstPort(443)
                        .setFirstSeenInOrg(true)
                        .setFirst(readStart.plusSeconds(60))
                        .setLast(readStart.plusSeconds(60))
                        .setBytes(1_000)
                        .setFlows(1)
                        .build()))
                .setReads(List.of(WatchedRead.newBuilder()
                        .setIncidentId("inc-1")
                        .setAccount("jdoe")
                        .setTable("coop.members")
                        .setReadStart(readStart)
                        .setLastRead(readStart)
                        .setRows(50_000)
                        .build()))
                .build();
        return new AvroBytes<>(EgressHostState.class).encode(state);
    }

    @Test
    void readsThePreviousBuildsEgressStateWithItsDestinationsFreshListAndWatchedReads() {
        EgressSettings settings = EgressProcessorFixture.settings(512);
        EgressProcessorFixture egress = new EgressProcessorFixture(settings, HotCache.HOSTS);
        Instant readStart = T0.plus(Duration.ofDays(3));
        byte[] previous = previousBuildState(settings, readStart);
        egress.<byte[]>store(StoreNames.EGRESS_HOSTS).put(HOST, previous);
        AvroBytes<EgressEvidence> evidence = new AvroBytes<>(EgressEvidence.class);
        List<EgressUpdate> updates = new ArrayList<>();

        egress.process(EgressProcessorFixture.watermark(readStart), readStart.toEpochMilli());
        assertThat(flow(egress, "198.51.100.1", 50_000_000, readStart.plusSeconds(120), updates))
                .as("a destination the host used before the upgrade is not new")
                .isNull();
        flow(egress, "203.0.113.9", 20_000_000, readStart.plusSeconds(180), updates);
        flow(egress, "198.51.100.2", 5_000_000, readStart.plusSeconds(240), updates);

        byte[] now = egress.<byte[]>store(StoreNames.EGRESS_HOSTS).get(HOST);
        assertThat(now[0] & 0xFF).as("rewritten in the new layout").isEqualTo(EgressHostCodec.TAG);
        assertThat(now[1]).isEqualTo((byte) EgressHostCodec.VERSION);
        assertThat(egress.<Long>store(StoreNames.EGRESS_DESTINATIONS).get(StoredDestinations.key(HOST, "198.51.100.3")))
                .isEqualTo(T0.plusSeconds(5).toEpochMilli());
        assertThat(egress.store(StoreNames.EGRESS_DESTINATIONS).approximateNumEntries())
                .isEqualTo(4);

        // A fresh processor (nothing cached) reads the moved state back; the read the previous build watched closes,
        // and once both sides are past its horizon the final report carries the previous build's fresh entry too.
        EgressProcessorFixture cold = new EgressProcessorFixture(settings, 0);
        copy(egress, cold);
        flow(cold, "198.51.100.3", 6_000_000, readStart.plusSeconds(300), updates);
        flow(cold, "203.0.113.9", 6_000_000, readStart.plusSeconds(360), updates);
        Instant closed = readStart.plus(Duration.ofHours(2));
        updates.addAll(cold.process(
                EgressProcessorFixture.closing(HOST, "inc-1", readStart, readStart, closed), closed.toEpochMilli()));
        Instant after = readStart.plus(Duration.ofHours(3));
        updates.addAll(cold.process(EgressProcessorFixture.watermark(after), after.toEpochMilli()));
        assertThat(updates).isEmpty();
        flow(cold, "93.184.216.1", 1_000, after, updates);
        assertThat(updates).hasSize(1);
        EgressUpdate report = updates.get(0);
        assertThat(report.getIncidentId()).isEqualTo("inc-1");
        assertThat(report.getAccount()).isEqualTo("jdoe");
        assertThat(report.getFinalReport()).isTrue();
        assertThat(report.getUnusual()).isTrue();
        EgressEvidence grown = evidence.decode(AvroBytes.bytes(report.getEvidence()));
        assertThat(grown.getBytesOut())
                .as("new destinations only: not 198.51.100.1 nor .3, known before the upgrade")
                .isEqualTo(31_001_000L);
        EgressDestination kept = grown.getDestinations().stream()
                .filter(d -> d.getDstIp().equals("198.51.100.2"))
                .findFirst()
                .orElseThrow();
        assertThat(kept.getDstHost())
                .as("the fresh entry of the previous build, with its counters")
                .isEqualTo("drop.example");
        assertThat(kept.getFlows()).isEqualTo(2);
        assertThat(kept.getBytesOut()).isEqualTo(5_001_000L);
    }

    private static void copy(EgressProcessorFixture from, EgressProcessorFixture to) {
        for (String name : List.of(
                StoreNames.EGRESS_HOSTS,
                StoreNames.EGRESS_DESTINATIONS,
                StoreNames.EGRESS_FRESH,
                StoreNames.ORG_DESTINATIONS,
                StoreNames.EGRESS_PEER_BASELINES,
                StoreNames.EGRESS_CLOCK,
                StoreNames.EGRESS_WATCHED)) {
            KeyValueStore<String, Object> target = to.store(name);
            try (var all = from.<Object>store(name).all()) {
                all.forEachRemaining(kv -> target.put(kv.key, kv.value));
            }
        }
    }

    @Test
    void readsLayoutTwoHostRecordsWhoseWatchesAreNeverWeakAndKeepsAWeakWatch() {
        EgressHostCodec codec = new EgressHostCodec();
        org.exfilguard.detect.Watch.Signal signal =
                new org.exfilguard.detect.Watch.Signal(120_000, 90_000, 50_000, new byte[] {1});
        org.exfilguard.detect.Watch open = new org.exfilguard.detect.Watch(
                "inc-1", "jdoe", "coop.members", 60_000, List.of(signal), null, 0, false, 119_999);
        byte[] now = codec.encodeHost(HOST, new byte[] {1, 2}, 3, 0, List.of(open));
        // Layout 2 is layout 3 without the weak flag that ends each watch.
        byte[] layout2 = java.util.Arrays.copyOf(now, now.length - 1);
        layout2[1] = 2;
        assertThat(codec.decodeHost(layout2).watches())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(open);

        org.exfilguard.detect.Watch weak = new org.exfilguard.detect.Watch(
                "inc-2", "jdoe", "coop.members", 60_000, List.of(signal), 120_000L, 90_000, false, 119_999, true);
        assertThat(codec.decodeHost(codec.encodeHost(HOST, new byte[0], 0, 0, List.of(open, weak)))
                        .watches())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(open, weak);
    }

    @Test
    void stateOfANewerLayoutOrCorruptStateFailsWithAClearMessage() {
        EgressHostCodec codec = new EgressHostCodec();
        byte[] host = codec.encodeHost(HOST, new byte[] {1, 2}, 3, 0, List.of());
        assertThat(codec.decodeHost(host).destinations()).isEqualTo(3);
        byte[] newer = host.clone();
        newer[1] = (byte) (EgressHostCodec.VERSION + 1);
        assertThatThrownBy(() -> codec.decodeHost(newer))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layout version " + (EgressHostCodec.VERSION + 1))
                .hasMessageContaining("this detector reads 1 to " + EgressHostCodec.VERSION)
                .hasMessageContaining("newer version");
        byte[] cut = java.util.Arrays.copyOf(host, host.length - 2);
        assertThatThrownBy(() -> codec.decodeHost(cut))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corrupt egress host state");
        byte[] entry = codec.encodeFreshEntry(new org.exfilguard.detect.FreshEntry(
                "198.51.100.2",
                null,
                null,
                false,
                T0.toEpochMilli(),
                5,
                2,
                T0.plusSeconds(9).toEpochMilli(),
                List.of(new long[] {
                    T0.plusSeconds(60).toEpochMilli(), 7, 1, T0.plusSeconds(70).toEpochMilli()
                })));
        assertThat(codec.decodeFreshEntry(entry).lastUsed())
                .isEqualTo(T0.plusSeconds(70).toEpochMilli());
        assertThat(codec.decodeFreshEntry(entry).settledLast())
                .isEqualTo(T0.plusSeconds(9).toEpochMilli());
        byte[] longer = java.util.Arrays.copyOf(entry, entry.length + 1);
        assertThatThrownBy(() -> codec.decodeFreshEntry(longer))
                .hasMessageContaining("corrupt egress fresh-destination entry")
                .hasMessageContaining("bytes left");
        assertThatThrownBy(() -> codec.decodeLegacy(new byte[] {2, 'x', 9}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "neither layout " + EgressHostCodec.VERSION + " nor an earlier version's Avro EgressHostState");
    }

    @Test
    void storedDestinationsForgetExactlyWhatTheReferenceMapForgets() {
        SplittableRandom random = new SplittableRandom(7);
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("d"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        for (int round = 0; round < 20; round++) {
            int max = 8 + random.nextInt(120);
            String src = "10.0.0." + round;
            MapDestinations reference = new MapDestinations();
            StoredDestinations stored = new StoredDestinations(store, src, 0);
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                // Over weeks, out of order (by up to two hours) and with ties on time; often a destination used
                // before, now and then one already forgotten.
                String dst = random.nextInt(2) == 0 && !seen.isEmpty()
                        ? seen.get(random.nextInt(Math.min(seen.size(), 1 + random.nextInt(200))))
                        : "198.51." + random.nextInt(40) + "." + random.nextInt(256);
                long at = 10_000_000L + i * 600_000L - random.nextInt(12) * 600_000L;
                boolean known = reference.use(dst, at);
                assertThat(stored.use(dst, at)).isEqualTo(known);
                if (!known) {
                    reference.add(dst, at, max);
                    stored.add(dst, at, max);
                    seen.add(0, dst);
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
    void aBusyHostRemembersTheDestinationsItUsesEveryDayAndForgetsItsOneOffs() {
        EgressProcessorFixture egress = new EgressProcessorFixture(EgressProcessorFixture.settings(16), HotCache.HOSTS);
        List<String> daily = List.of("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4");
        List<EgressUpdate> updates = new ArrayList<>();
        int oneOffs = 0;
        for (int day = 0; day < 10; day++) {
            Instant morning = T0.plus(Duration.ofDays(day));
            daily.forEach(dst -> flow(egress, dst, 2_000_000, morning, updates));
            for (int i = 0; i < 8; i++) {
                flow(egress, external(oneOffs++), 1_000, morning.plusSeconds(600 + 60L * i), updates);
            }
        }
        KeyValueStore<String, Long> known = egress.store(StoreNames.EGRESS_DESTINATIONS);
        for (String dst : daily) {
            assertThat(known.get(StoredDestinations.key(HOST, dst)))
                    .as("%s, used every morning, is remembered with its last morning", dst)
                    .isEqualTo(T0.plus(Duration.ofDays(9)).toEpochMilli());
        }
        assertThat(known.get(StoredDestinations.key(HOST, external(0))))
                .as("a one-off of the first day is forgotten")
                .isNull();
        assertThat(known.approximateNumEntries()).isEqualTo(16);

        // A bulk read from the host on day 10, then its usual flows and one upload to a new destination: only the
        // upload is evidence (forgetting by first use made the four daily destinations new every other day).
        Instant readStart = T0.plus(Duration.ofDays(10));
        updates.clear();
        egress.process(EgressProcessorFixture.watermark(readStart), readStart.toEpochMilli());
        egress.process(
                EgressProcessorFixture.signal(HOST, "inc-1", readStart, readStart, new byte[] {1}),
                readStart.toEpochMilli());
        daily.forEach(dst -> flow(egress, dst, 30_000_000, readStart.plusSeconds(120), updates));
        flow(egress, "203.0.113.9", 20_000_000, readStart.plusSeconds(180), updates);
        Instant closed = readStart.plus(Duration.ofHours(2));
        egress.process(
                EgressProcessorFixture.closing(HOST, "inc-1", readStart, readStart, closed), closed.toEpochMilli());
        Instant after = readStart.plus(Duration.ofHours(3));
        egress.process(EgressProcessorFixture.watermark(after), after.toEpochMilli());
        updates.clear();
        flow(egress, "198.51.100.1", 1_000, after, updates);
        EgressUpdate report = updates.stream()
                .filter(u -> u.getFinalReport() && u.getIncidentId().equals("inc-1"))
                .findFirst()
                .orElseThrow();
        EgressEvidence evidence = new AvroBytes<>(EgressEvidence.class).decode(AvroBytes.bytes(report.getEvidence()));
        assertThat(evidence.getDestinations())
                .extracting(d -> d.getDstIp().toString())
                .containsExactly("203.0.113.9");
        assertThat(evidence.getBytesOut()).isEqualTo(20_000_000L);
    }

    @Test
    void aHostReadFromTheStoresOnEveryFlowGivesTheSameUpdatesAsACachedOne() {
        EgressSettings settings = EgressProcessorFixture.settings(16);
        EgressProcessorFixture cached = new EgressProcessorFixture(settings, HotCache.HOSTS);
        EgressProcessorFixture cold = new EgressProcessorFixture(settings, 0);
        SplittableRandom random = new SplittableRandom(11);
        List<EgressUpdate> fromCached = new ArrayList<>();
        List<EgressUpdate> fromCold = new ArrayList<>();
        Instant start = T0.plus(Duration.ofDays(1));
        for (int i = 0; i < 20_000; i++) {
            Instant at = start.plus(Duration.ofSeconds(40L * i - random.nextInt(600)));
            Object value;
            if (i % 500 == 250) {
                value = EgressProcessorFixture.signal(
                        HOST, "inc-" + i / 1_000, at.minusSeconds(60), at, new byte[] {(byte) i});
            } else if (i % 1_000 == 900) {
                value = EgressProcessorFixture.closing(
                        HOST, "inc-" + i / 1_000, at.minusSeconds(6_000), at.minusSeconds(5_000), at);
            } else if (i % 50 == 0) {
                value = EgressProcessorFixture.watermark(at.minusSeconds(600));
            } else {
                String dst =
                        random.nextInt(3) == 0 ? "198.51.100." + random.nextInt(40) : external(random.nextInt(3_000));
                value = TestFlows.flow()
                        .from(HOST)
                        .to(dst)
                        .bytesOut(1_000 + random.nextInt(3_000_000))
                        .at(at)
                        .build();
            }
            fromCached.addAll(cached.process(value, at.toEpochMilli()));
            fromCold.addAll(cold.process(value, at.toEpochMilli()));
        }
        assertThat(fromCached).hasSizeGreaterThan(20);
        assertThat(fromCold).isEqualTo(fromCached);
    }
}
