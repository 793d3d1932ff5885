package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exfilguard.profile.ScopeProfile;
import org.junit.jupiter.api.Test;

class ReadDetectorTest {

    static final Instant DAY0 = Instant.parse("2026-03-02T00:00:00Z");
    final DetectionSettings settings = DetectionSettings.defaults(SensitiveTables.parse("coop.members"));
    final ReadDetector detector = new ReadDetector(settings);

    /** Peer baselines over plain lists: exact quantiles, enough for the rules under test. */
    static final class ListPeers implements PeerBaselines {
        final Map<String, List<Double>> values = new HashMap<>();

        @Override
        public long count(String scope, String window) {
            return values.getOrDefault(scope + window, List.of()).size();
        }

        @Override
        public double quantile(String scope, String window, double q) {
            List<Double> v = values.getOrDefault(scope + window, List.of()).stream()
                    .sorted()
                    .toList();
            return v.isEmpty() ? Double.NaN : v.get((int) Math.min(v.size() - 1, Math.floor(q * v.size())));
        }

        @Override
        public double rank(String scope, String window, double x) {
            List<Double> v = values.getOrDefault(scope + window, List.of());
            return v.isEmpty() ? Double.NaN : v.stream().filter(d -> d <= x).count() / (double) v.size();
        }

        @Override
        public void add(String scope, String window, double peak) {
            values.computeIfAbsent(scope + window, k -> new java.util.ArrayList<>())
                    .add(peak);
        }
    }

    ScopeProfile profile() {
        return ScopeProfile.fresh("jdoe", "coop.members", settings.windows(), settings.historyDays(), DAY0);
    }

    @Test
    void robustStatsIgnoreOneSpike() {
        RobustStats stats = RobustStats.of(new double[] {100, 110, 90, 105, 95, 100_000});
        assertThat(stats.median()).isEqualTo(102.5);
        assertThat(stats.spread()).isLessThan(20);
        assertThat(stats.max()).isEqualTo(100_000);
    }

    @Test
    void emptyDaysEnterTheHistoryAsZero() {
        ScopeProfile p = profile();
        ListPeers peers = new ListPeers();
        detector.observe(p, DAY0.plus(Duration.ofHours(10)), 500, 0, peers);
        detector.observe(p, DAY0.plus(Duration.ofDays(5)).plus(Duration.ofHours(10)), 500, 0, peers);
        double[] history15m = p.windows().get(0).history();
        assertThat(history15m).containsExactly(500, 0, 0, 0, 0);
    }

    @Test
    void thresholdIsLearntFromTheAccountsOwnPeaksOnceItHasAWeek() {
        ScopeProfile p = profile();
        ListPeers peers = new ListPeers();
        for (int d = 0; d < 10; d++) {
            detector.observe(p, DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(10)), 3_000, 0, peers);
        }
        Threshold t = detector.threshold(p.windows().get(0), "coop.members", peers);
        assertThat(t.method()).isEqualTo(Threshold.PERSONAL);
        assertThat(t.typical()).isEqualTo(3_000);
        assertThat(t.value()).isEqualTo(12_000);
    }

    @Test
    void extractionCrossesOnceAndDoesNotTeachTheBaseline() {
        ScopeProfile p = profile();
        ListPeers peers = new ListPeers();
        for (int d = 0; d < 8; d++) {
            detector.observe(p, DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(10)), 100, 0, peers);
        }
        Instant dump = DAY0.plus(Duration.ofDays(8)).plus(Duration.ofHours(14));
        List<WindowVerdict> first = detector.observe(p, dump, 50_000, 0, peers);
        List<WindowVerdict> second = detector.observe(p, dump.plusSeconds(30), 50_000, 0, peers);
        assertThat(first.get(0).state()).isEqualTo(WindowVerdict.State.CROSSED);
        assertThat(second.get(0).state()).isEqualTo(WindowVerdict.State.ABOVE);
        detector.observe(p, dump.plus(Duration.ofDays(1)), 10, 0, peers);
        double[] history = p.windows().get(0).history();
        assertThat(history[history.length - 1])
                .as("the alerted day's clean peak excludes the dump")
                .isLessThan(1_000);
    }

    @Test
    void aJobThatAlertedYesterdayAtTheSameTimeIsRecognisedAsRecurring() {
        ScopeProfile p = profile();
        ListPeers peers = new ListPeers();
        Instant night1 = DAY0.plus(Duration.ofHours(2));
        assertThat(detector.observe(p, night1, 500_000, 0, peers).get(0).state())
                .isEqualTo(WindowVerdict.State.CROSSED);
        Instant night2 = night1.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(20));
        assertThat(detector.observe(p, night2, 500_000, 0, peers).get(0).state())
                .isEqualTo(WindowVerdict.State.RECURRING);
        Instant noon = night2.plus(Duration.ofHours(10));
        assertThat(detector.observe(p, noon, 500_000, 0, peers).get(0).state())
                .as("the same volume at another time of day is not the job")
                .isEqualTo(WindowVerdict.State.CROSSED);
    }

    @Test
    void coldStartComparesWithPeersAndNeverFallsBelowTheFloor() {
        ListPeers peers = new ListPeers();
        for (int i = 0; i < 20; i++) {
            peers.add("coop.members", "15m", 100 + i);
        }
        ScopeProfile p = profile();
        Threshold t = detector.threshold(p.windows().get(0), "coop.members", peers);
        assertThat(t.method()).isEqualTo(Threshold.PEER);
        assertThat(t.value()).isEqualTo(10_000);
        ScopeProfile alone = profile();
        Threshold floor = detector.threshold(alone.windows().get(0), "coop.members", new ListPeers());
        assertThat(floor.method()).isEqualTo(Threshold.FLOOR);
        assertThat(floor.value()).isEqualTo(100_000);
    }

    @Test
    void floorsFollowTheTablesTier() {
        ReadDetector tiered = new ReadDetector(DetectionSettings.defaults(
                SensitiveTables.parse("coop.member_cards:critical,coop.members:high,coop.notes")));
        ScopeProfile cards =
                ScopeProfile.fresh("jdoe", "coop.member_cards", settings.windows(), settings.historyDays(), DAY0);
        ListPeers peers = new ListPeers();
        for (int d = 0; d < 10; d++) {
            tiered.observe(cards, DAY0.plus(Duration.ofDays(d)).plus(Duration.ofHours(10)), 10, 0, peers);
        }
        assertThat(tiered.threshold(cards.windows().get(0), "coop.member_cards", peers)
                        .value())
                .as("half the 15m floor for a critical table")
                .isEqualTo(5_000);
        assertThat(tiered.threshold(cards.windows().get(0), "coop.members", peers)
                        .value())
                .isEqualTo(10_000);
        assertThat(tiered.threshold(cards.windows().get(0), "coop.notes", peers).value())
                .isEqualTo(10_000);
        assertThat(tiered.threshold(
                                new ScopeProfile(
                                                "jdoe",
                                                "coop.member_cards",
                                                0,
                                                List.of(new org.exfilguard.profile.WindowProfile(
                                                        settings.windows().get(0), 28, DAY0)),
                                                Map.of(),
                                                Map.of(),
                                                null)
                                        .windows()
                                        .get(0),
                                "coop.member_cards",
                                new ListPeers())
                        .value())
                .as("the cold-start floor too")
                .isEqualTo(50_000);
    }
}
