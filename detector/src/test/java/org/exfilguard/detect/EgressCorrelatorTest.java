package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.exfilguard.config.EgressSettingsFactory;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.testkit.TestFlows;
import org.junit.jupiter.api.Test;

/**
 * The correlation of one host's flows with the read side's signals, in event time: which flows are evidence, what a
 * signal does to the watches, what {@link EgressCorrelator#judge} reports at which boundary, and that the reports do
 * not depend on the order in which the two sides arrive.
 */
class EgressCorrelatorTest {

    private static final String HOST = "10.0.0.1";
    private static final long MINUTE = 60_000;
    /** The host's first flow: its learning day. */
    private static final Instant DAY0 = Instant.parse("2026-03-01T09:00:00Z");
    /** The bulk read, the next day. */
    private static final Instant READ = Instant.parse("2026-03-02T10:00:30Z");

    private static final long READ_START = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long CHECKPOINT = READ_START + 1 * MINUTE;

    private static final EgressSettings SETTINGS = EgressSettingsFactory.from(new ExfilguardConfig(Map.of()));
    private static final long MIN_UNUSUAL = SETTINGS.minUnusualBytes();
    private static final long WEAK_MIN_UNUSUAL = SETTINGS.weakMinUnusualBytes();
    private static final PeerBaselines NO_PEERS = new PeerBaselines() {
        @Override
        public long count(String scope, String window) {
            return 0;
        }

        @Override
        public double quantile(String scope, String window, double q) {
            return Double.NaN;
        }

        @Override
        public double rank(String scope, String window, double value) {
            return Double.NaN;
        }

        @Override
        public void add(String scope, String window, double peak) {}
    };

    private final EgressCorrelator correlator = new EgressCorrelator(SETTINGS);

    /** One host's state with its outbound volume profile, as the egress processor holds them. */
    private static final class Host {
        final EgressHost state = new EgressHost(HOST, new MapDestinations(), List.of(), List.of(), 0);
        final ScopeProfile volume = ScopeProfile.fresh(
                HOST,
                ScopeProfile.ALL_SENSITIVE,
                SETTINGS.volume().windows(),
                SETTINGS.volume().historyDays(),
                DAY0);
    }

    private boolean flow(Host host, String dst, Instant at, long bytes) {
        EgressEvent event =
                TestFlows.flow().from(HOST).to(dst).bytesOut(bytes).at(at).build();
        return correlator.onEgress(host.state, host.volume, event, false, NO_PEERS);
    }

    private static Watch.Signal signal(long checkpoint, Instant read, byte[] alert) {
        return new Watch.Signal(checkpoint, read.toEpochMilli(), 50_000, alert);
    }

    private void open(Host host, String incident, byte[] alert) {
        correlator.onSignal(
                host.state,
                incident,
                "svc-report",
                "coop.members",
                READ_START,
                signal(CHECKPOINT, READ, alert),
                false,
                0,
                false);
    }

    private void close(Host host, String incident, long checkpoint) {
        correlator.onSignal(
                host.state,
                incident,
                "svc-report",
                "coop.members",
                READ_START,
                signal(checkpoint, READ, null),
                true,
                READ.toEpochMilli(),
                false);
    }

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void theFirstDayLearnsDestinationsAndLaterNewOnesBecomeFreshEntries() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        flow(host, "198.51.100.2", DAY0.plus(Duration.ofHours(3)), 1_000);
        assertThat(host.state.destinations().contains("198.51.100.2")).isTrue();
        assertThat(host.state.fresh())
                .as("every destination is new on the first day: none is evidence")
                .isEmpty();

        flow(host, "203.0.113.9", READ.plusSeconds(60), 4_000_000);
        flow(host, "203.0.113.9", READ.plusSeconds(200), 5_000_000);
        flow(host, "198.51.100.1", READ.plusSeconds(300), 7_000_000);

        assertThat(host.state.fresh()).singleElement().satisfies(f -> {
            assertThat(f.dstIp()).isEqualTo("203.0.113.9");
            assertThat(f.first()).isEqualTo(READ.plusSeconds(60).toEpochMilli());
            assertThat(f.bytesBefore(Long.MAX_VALUE)).isEqualTo(9_000_000);
            assertThat(f.flowsBefore(Long.MAX_VALUE)).isEqualTo(2);
        });
    }

    @Test
    void outboundVolumeAloneIsReportedOnlyWhenNoReadIsWatched() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        assertThat(flow(host, "198.51.100.1", READ, 5_000_000_000L))
                .as("over the volume floor, nothing watched")
                .isTrue();

        Host watched = new Host();
        flow(watched, "198.51.100.1", DAY0, 1_000);
        open(watched, "inc-1", new byte[] {1});
        assertThat(flow(watched, "198.51.100.1", READ, 5_000_000_000L))
                .as("the watch will judge it")
                .isFalse();
    }

    @Test
    void signalsOpenExtendAndCloseAWatch() {
        Host host = new Host();
        open(host, "inc-1", new byte[] {1});
        correlator.onSignal(
                host.state,
                "inc-1",
                "svc-report",
                "coop.members",
                READ_START,
                signal(CHECKPOINT + 5 * MINUTE, READ.plusSeconds(300), new byte[] {2}),
                false,
                0,
                false);

        assertThat(host.state.watches()).singleElement().satisfies(w -> {
            assertThat(w.signals())
                    .extracting(Watch.Signal::checkpoint)
                    .containsExactly(CHECKPOINT, CHECKPOINT + 5 * MINUTE);
            assertThat(w.closeCheckpoint()).isNull();
            assertThat(w.evaluatedTo()).isEqualTo(CHECKPOINT - 1);
        });

        close(host, "inc-1", CHECKPOINT + 120 * MINUTE);
        assertThat(host.state.watches().get(0).closeCheckpoint()).isEqualTo(CHECKPOINT + 120 * MINUTE);
        assertThat(host.state.watches().get(0).lastActivity()).isEqualTo(READ.toEpochMilli());

        close(host, "inc-unknown", CHECKPOINT + 130 * MINUTE);
        assertThat(host.state.watches())
                .as("a close of an unwatched incident starts a watch, to answer it")
                .extracting(Watch::incidentId)
                .containsExactly("inc-1", "inc-unknown");
    }

    @Test
    void theOldestOpenWatchGoesBeyondTheLimit() {
        Host host = new Host();
        for (int i = 0; i <= EgressCorrelator.MAX_WATCHES; i++) {
            correlator.onSignal(
                    host.state,
                    "inc-" + i,
                    "svc-report",
                    "coop.members",
                    READ_START,
                    signal(CHECKPOINT + i * MINUTE, READ, new byte[] {1}),
                    false,
                    0,
                    false);
        }
        assertThat(host.state.watches())
                .hasSize(EgressCorrelator.MAX_WATCHES)
                .extracting(Watch::incidentId)
                .doesNotContain("inc-0");
    }

    private List<EgressCorrelator.Finding> weak(Host host, String incident, long checkpoint, Instant read) {
        return correlator.onSignal(
                host.state,
                incident,
                "jdoe",
                "coop.members",
                READ_START,
                signal(checkpoint, read, new byte[] {9}),
                false,
                read.toEpochMilli(),
                true);
    }

    @Test
    void weakWatchesAreBoundedPerHostAndNeverPushOutAnIncidentsWatch() {
        Host host = new Host();
        for (int i = 0; i < EgressCorrelator.MAX_WATCHES; i++) {
            correlator.onSignal(
                    host.state,
                    "inc-" + i,
                    "svc-report",
                    "coop.members",
                    READ_START,
                    signal(CHECKPOINT + i * MINUTE, READ, new byte[] {1}),
                    false,
                    0,
                    false);
        }
        List<EgressCorrelator.Finding> dropped = new ArrayList<>();
        for (int i = 0; i <= EgressCorrelator.MAX_WEAK_WATCHES; i++) {
            dropped.addAll(weak(host, "weak-" + i, CHECKPOINT + i * MINUTE, READ));
        }
        assertThat(host.state.watches().stream().filter(w -> !w.weak())).hasSize(EgressCorrelator.MAX_WATCHES);
        assertThat(host.state.watches().stream().filter(Watch::weak))
                .extracting(Watch::incidentId)
                .hasSize(EgressCorrelator.MAX_WEAK_WATCHES)
                .doesNotContain("weak-" + EgressCorrelator.MAX_WEAK_WATCHES);
        assertThat(dropped)
                .as("the latest is dropped and answered at once, so the read side forgets it")
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.incidentId()).isEqualTo("weak-" + EgressCorrelator.MAX_WEAK_WATCHES);
                    assertThat(f.complete()).isTrue();
                    assertThat(f.unusual()).isFalse();
                    assertThat(f.evidence()).isNull();
                });
    }

    @Test
    void aWeakWatchEscalatesOnUnusualEgressAndReportsOnceTheHorizonAfterItsLastReadHasPassed() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        weak(host, "weak-1", CHECKPOINT, READ);
        // The read grew: signalled again, the horizon now runs from the later read.
        Instant later = READ.plus(Duration.ofMinutes(20));
        weak(host, "weak-1", CHECKPOINT + 20 * MINUTE, later);
        assertThat(host.state.watches()).singleElement().satisfies(w -> {
            assertThat(w.weak()).isTrue();
            assertThat(w.signals()).hasSize(2);
            assertThat(w.lastActivity()).isEqualTo(later.toEpochMilli());
        });
        flow(host, "203.0.113.9", READ.plus(Duration.ofMinutes(30)), WEAK_MIN_UNUSUAL);

        List<EgressCorrelator.Finding> findings =
                new ArrayList<>(correlator.judge(host.state, at("2026-03-02T11:00:00Z")));
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.unusual()).isTrue();
            assertThat(f.complete()).isFalse();
            assertThat(f.at()).isEqualTo(at("2026-03-02T10:31:00Z"));
        });
        long due = later.plus(SETTINGS.horizon()).toEpochMilli() / MINUTE * MINUTE + MINUTE;
        assertThat(correlator.judge(host.state, due - MINUTE))
                .as("not before the horizon")
                .isEmpty();
        assertThat(correlator.judge(host.state, due)).singleElement().satisfies(f -> {
            assertThat(f.complete()).isTrue();
            assertThat(f.unusual()).isTrue();
            assertThat(f.evidence().getBytesOut()).isEqualTo(WEAK_MIN_UNUSUAL);
        });
        assertThat(host.state.watches()).isEmpty();
    }

    @Test
    void aWeakWatchWithoutUnusualEgressEndsWithAnEmptyFinalReport() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        weak(host, "weak-1", CHECKPOINT, READ);
        flow(host, "203.0.113.9", READ.plus(Duration.ofMinutes(30)), WEAK_MIN_UNUSUAL - 1);
        long due = READ.plus(SETTINGS.horizon()).toEpochMilli() / MINUTE * MINUTE + MINUTE;

        assertThat(correlator.judge(host.state, due)).singleElement().satisfies(f -> {
            assertThat(f.complete()).isTrue();
            assertThat(f.unusual()).isFalse();
        });
    }

    @Test
    void aWeakWatchNeedsOnlyTheWeakFloorWhileABulkReadsWatchOnTheSameHostNeedsItsOwn() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        open(host, "inc-1", new byte[] {1});
        weak(host, "weak-1", CHECKPOINT, READ);
        // A few MB: a weak read's worth of rows as a file, far less than a bulk read's.
        long bytes = 3 * WEAK_MIN_UNUSUAL;
        assertThat(bytes).isLessThan(MIN_UNUSUAL);
        flow(host, "203.0.113.9", Instant.parse("2026-03-02T10:20:10Z"), bytes);

        assertThat(correlator.judge(host.state, at("2026-03-02T11:00:00Z")))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.incidentId()).isEqualTo("weak-1");
                    assertThat(f.unusual()).isTrue();
                    assertThat(f.complete()).isFalse();
                    assertThat(f.at()).isEqualTo(at("2026-03-02T10:21:00Z"));
                    assertThat(f.evidence().getBytesOut()).isEqualTo(bytes);
                });
    }

    @Test
    void escalatesAtTheFirstBoundaryWhoseBytesReachTheMinimumAndNotPastTheBound() {
        Host host = new Host();
        byte[] alert = {7, 7};
        flow(host, "198.51.100.1", DAY0, 1_000);
        open(host, "inc-1", alert);
        long half = MIN_UNUSUAL / 2 + 1;
        flow(host, "203.0.113.9", Instant.parse("2026-03-02T10:03:10Z"), half);
        flow(host, "203.0.113.9", Instant.parse("2026-03-02T10:05:20Z"), half);

        assertThat(correlator.judge(host.state, at("2026-03-02T10:05:00Z")))
                .as("the second flow is counted already, but lies past the bound")
                .isEmpty();
        assertThat(correlator.judge(host.state, at("2026-03-02T10:04:00Z")))
                .as("a bound already judged")
                .isEmpty();

        List<EgressCorrelator.Finding> findings = correlator.judge(host.state, at("2026-03-02T10:30:00Z"));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.incidentId()).isEqualTo("inc-1");
            assertThat(f.at())
                    .as("the boundary after the flow that made it unusual")
                    .isEqualTo(at("2026-03-02T10:06:00Z"));
            assertThat(f.unusual()).isTrue();
            assertThat(f.complete()).isFalse();
            assertThat(f.alert()).isSameAs(alert);
            assertThat(f.evidence().getBytesOut()).isEqualTo(2 * half);
            assertThat(f.evidence().getDestinations()).singleElement().satisfies(d -> {
                assertThat(d.getDstIp()).isEqualTo("203.0.113.9");
                assertThat(d.getFlows()).isEqualTo(2);
            });
        });
        assertThat(correlator.judge(host.state, at("2026-03-02T10:40:00Z")))
                .as("escalated once")
                .isEmpty();
    }

    @Test
    void egressBelowTheMinimumIsNoEscalation() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        open(host, "inc-1", new byte[] {1});
        flow(host, "203.0.113.9", Instant.parse("2026-03-02T10:03:10Z"), MIN_UNUSUAL - 1);

        assertThat(correlator.judge(host.state, at("2026-03-02T11:00:00Z"))).isEmpty();
    }

    @Test
    void theFinalReportComesAfterTheCloseAndTheHorizon() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        open(host, "inc-1", new byte[] {1});
        flow(host, "203.0.113.9", Instant.parse("2026-03-02T10:03:10Z"), 1_000);
        long closeCheckpoint = at("2026-03-02T12:10:00Z");
        close(host, "inc-1", closeCheckpoint);
        long horizonEnd = Math.floorDiv(READ.toEpochMilli() + SETTINGS.horizon().toMillis(), MINUTE) * MINUTE + MINUTE;
        long due = Math.max(horizonEnd, closeCheckpoint);

        assertThat(correlator.judge(host.state, due - MINUTE)).isEmpty();
        List<EgressCorrelator.Finding> findings = correlator.judge(host.state, due);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.complete()).isTrue();
            assertThat(f.at()).isEqualTo(due);
            assertThat(f.unusual()).isFalse();
            assertThat(f.evidence().getBytesOut()).isEqualTo(1_000);
        });
        assertThat(host.state.watches()).isEmpty();
    }

    @Test
    void aCloseWithNoEgressReportsNoEvidence() {
        Host host = new Host();
        open(host, "inc-1", new byte[] {1});
        close(host, "inc-1", CHECKPOINT + MINUTE);

        List<EgressCorrelator.Finding> findings = correlator.judge(host.state, Long.MAX_VALUE / 2);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.complete()).isTrue();
            assertThat(f.evidence()).isNull();
            assertThat(f.unusual()).isFalse();
        });
    }

    // --- the same findings whatever the interleaving of the two sides ---

    /** What the read side sends, in its order: a watermark (signal null) or a signal of the one incident. */
    private record ReadItem(long mark, Watch.Signal signal, boolean closing, long lastActivity) {}

    private record Flow(String dst, Instant at, long bytes) {}

    /**
     * Feeds both sides in the order {@code readFirst} gives (true: the next read item, false: the next flow), judging
     * whenever the bound both sides have passed moves, as the egress processor does; then both sides idle.
     */
    private List<String> run(List<ReadItem> reads, List<Flow> flows, List<Boolean> readFirst) {
        return run(reads, flows, readFirst, false);
    }

    /** Boundaries at which {@link #run} with {@code leaveQuiet} left the host unjudged, in the last run. */
    private int leftQuiet;

    /** As above; {@code leaveQuiet}: a host that {@link EgressCorrelator#needsJudging} says is quiet is not judged. */
    private List<String> run(List<ReadItem> reads, List<Flow> flows, List<Boolean> readFirst, boolean leaveQuiet) {
        leftQuiet = 0;
        Host host = new Host();
        List<String> findings = new ArrayList<>();
        long readMark = Long.MIN_VALUE;
        long flowMinute = Long.MIN_VALUE;
        long judgedTo = Long.MIN_VALUE;
        int r = 0;
        int f = 0;
        int step = 0;
        while (r < reads.size() || f < flows.size()) {
            boolean takeRead =
                    f >= flows.size() || (r < reads.size() && step < readFirst.size() && readFirst.get(step));
            step++;
            if (takeRead) {
                ReadItem item = reads.get(r++);
                if (item.signal() == null) {
                    readMark = Math.max(readMark, item.mark());
                } else {
                    correlator.onSignal(
                            host.state,
                            "inc-1",
                            "svc-report",
                            "coop.members",
                            READ_START,
                            item.signal(),
                            item.closing(),
                            item.lastActivity(),
                            false);
                }
            } else {
                Flow flow = flows.get(f++);
                flowMinute = Math.max(flowMinute, Math.floorDiv(flow.at().toEpochMilli(), MINUTE) * MINUTE);
                if (judgedTo != Long.MIN_VALUE) {
                    host.state.settle(judgedTo);
                }
                flow(host, flow.dst(), flow.at(), flow.bytes());
            }
            long bound = Math.min(readMark, flowMinute);
            if (bound > judgedTo && bound != Long.MIN_VALUE) {
                assertNextJudgingAgrees(host.state, bound);
                if (leaveQuiet && !correlator.needsJudging(host.state, bound)) {
                    leftQuiet++;
                } else {
                    correlator.judge(host.state, bound).forEach(x -> findings.add(describe(x)));
                }
                judgedTo = bound;
            }
        }
        correlator.judge(host.state, Long.MAX_VALUE / 2).forEach(x -> findings.add(describe(x)));
        return findings;
    }

    /**
     * {@link EgressCorrelator#nextJudging} is the lowest bound {@link EgressCorrelator#needsJudging} is true at: the
     * processor visits a watched host only from there on.
     */
    private void assertNextJudgingAgrees(EgressHost state, long bound) {
        long next = correlator.nextJudging(state);
        assertThat(correlator.needsJudging(state, bound)).as("at the bound").isEqualTo(bound >= next);
        if (next != Long.MAX_VALUE) {
            assertThat(correlator.needsJudging(state, next))
                    .as("at its next bound")
                    .isTrue();
            assertThat(correlator.needsJudging(state, next - 1))
                    .as("just before it")
                    .isFalse();
            assertThat(correlator.needsJudging(state, next + 7 * MINUTE))
                    .as("after it")
                    .isTrue();
        } else {
            assertThat(correlator.needsJudging(state, Long.MAX_VALUE / 2))
                    .as("never")
                    .isFalse();
        }
    }

    private static String describe(EgressCorrelator.Finding f) {
        return f.incidentId() + " at " + Instant.ofEpochMilli(f.at()) + " unusual=" + f.unusual() + " complete="
                + f.complete() + " evidence=" + f.evidence() + " alert=" + Arrays.toString(f.alert());
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void theFindingsDoNotDependOnTheInterleavingOfFlowsAndSignals(
            @ForAll("flows") List<Flow> flows,
            @ForAll("updateMinute") int updateMinute,
            @ForAll("order") List<Boolean> order) {
        List<ReadItem> reads = readSide(updateMinute);
        List<String> readsFirst = run(reads, flows, List.of());
        List<Boolean> allFlowsFirst = new ArrayList<>();
        for (int i = 0; i < flows.size(); i++) {
            allFlowsFirst.add(false);
        }

        assertThat(run(reads, flows, order)).isEqualTo(readsFirst);
        assertThat(run(reads, flows, allFlowsFirst)).isEqualTo(readsFirst);
        assertThat(readsFirst)
                .as("every watch ends in a final report")
                .last()
                .asString()
                .contains("complete=true");
        Statistics.label("escalated").collect(readsFirst.stream().anyMatch(x -> x.contains("complete=false")));
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void leavingQuietHostsUnjudgedFindsTheSame(
            @ForAll("flows") List<Flow> flows,
            @ForAll("updateMinute") int updateMinute,
            @ForAll("order") List<Boolean> order) {
        List<ReadItem> reads = readSide(updateMinute);
        List<String> everyBoundary = run(reads, flows, order, false);

        assertThat(run(reads, flows, order, true)).isEqualTo(everyBoundary);
        assertThat(leftQuiet).as("boundaries left unjudged").isPositive();
    }

    @Test
    void aWatchedHostNeedsJudgingOnlyForNewMinutesSignalsOrADueClose() {
        Host host = new Host();
        flow(host, "198.51.100.1", DAY0, 1_000);
        open(host, "inc-1", new byte[] {1});
        assertThat(correlator.needsJudging(host.state, CHECKPOINT - MINUTE))
                .as("before the first checkpoint")
                .isFalse();
        assertThat(correlator.needsJudging(host.state, CHECKPOINT))
                .as("the first signal")
                .isTrue();
        correlator.judge(host.state, CHECKPOINT);
        assertThat(correlator.needsJudging(host.state, CHECKPOINT + 10 * MINUTE))
                .as("no flow, no signal")
                .isFalse();

        flow(host, "203.0.113.9", Instant.ofEpochMilli(CHECKPOINT + 5 * MINUTE + 1_000), MIN_UNUSUAL / 10);
        assertThat(correlator.needsJudging(host.state, CHECKPOINT + 5 * MINUTE))
                .as("a flow in the minute at the bound")
                .isFalse();
        assertThat(correlator.needsJudging(host.state, CHECKPOINT + 6 * MINUTE))
                .as("a flow in a minute before the bound")
                .isTrue();
        correlator.judge(host.state, CHECKPOINT + 6 * MINUTE);

        close(host, "inc-1", CHECKPOINT + 7 * MINUTE);
        long due = Math.floorDiv(READ.toEpochMilli() + SETTINGS.horizon().toMillis(), MINUTE) * MINUTE + MINUTE;
        assertThat(correlator.needsJudging(host.state, due - MINUTE))
                .as("before the horizon")
                .isFalse();
        assertThat(correlator.needsJudging(host.state, due)).as("the close due").isTrue();
    }

    /**
     * The read side: watermarks every minute from the read on, the incident's opening signal, an update at
     * {@code updateMinute} minutes, and its close a quiet period after the last read; every signal's checkpoint lies
     * after the watermark sent before it.
     */
    private static List<ReadItem> readSide(int updateMinute) {
        List<ReadItem> items = new ArrayList<>();
        long lastRead = READ.toEpochMilli() + updateMinute * MINUTE;
        long closeCheckpoint = Math.floorDiv(lastRead, MINUTE) * MINUTE + 120 * MINUTE + MINUTE;
        for (long m = READ_START; m <= closeCheckpoint + 180 * MINUTE; m += MINUTE) {
            if (m == READ_START) {
                items.add(new ReadItem(0, signal(CHECKPOINT, READ, new byte[] {1}), false, 0));
            }
            if (m == READ_START + updateMinute * MINUTE) {
                items.add(new ReadItem(0, new Watch.Signal(m + MINUTE, lastRead, 90_000, new byte[] {2}), false, 0));
            }
            if (m == closeCheckpoint - MINUTE) {
                items.add(new ReadItem(0, new Watch.Signal(closeCheckpoint, lastRead, 0, null), true, lastRead));
            }
            items.add(new ReadItem(m, null, false, 0));
        }
        return items;
    }

    @Provide
    Arbitrary<List<Flow>> flows() {
        Arbitrary<Flow> flow = Combinators.combine(
                        Arbitraries.of("203.0.113.1", "203.0.113.2", "203.0.113.3", "198.51.100.1"),
                        Arbitraries.longs().between(-30, 3 * 60 * 60),
                        Arbitraries.longs().between(MIN_UNUSUAL / 20, MIN_UNUSUAL))
                .as((dst, second, bytes) -> new Flow(dst, READ.plusSeconds(second), bytes));
        return flow.list().ofMinSize(1).ofMaxSize(30).map(list -> {
            List<Flow> sorted = new ArrayList<>(list);
            sorted.sort((a, b) -> a.at().compareTo(b.at()));
            // The host's learning day comes first: it knew 198.51.100.1 before the read.
            sorted.add(0, new Flow("198.51.100.1", DAY0, 1_000));
            return sorted;
        });
    }

    @Provide
    Arbitrary<Integer> updateMinute() {
        return Arbitraries.integers().between(1, 90);
    }

    @Provide
    Arbitrary<List<Boolean>> order() {
        return Arbitraries.of(true, false).list().ofMaxSize(700);
    }
}
