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
    /**
     * Days {@code 0..days-1}: 20,000 rows at 14:00 every day, and 3,000 rows at 02:00 on the nights in
     * {@code [firstNight, lastNight)}; each read recorded in {@code hours}. Then a read of 30,000 rows at 02:30 on day
     * {@code days}: the 15m window's verdict for it.
     */
    private WindowVerdict nightProbe(int days, int firstNight, int lastNight, boolean withHours) {
        ScopeProfile p = profile();
        ListPeers peers = new ListPeers();
        java.time.ZoneId zone = java.time.ZoneOffset.UTC;
        org.exfilguard.profile.ActiveHours hours = org.exfilguard.profile.ActiveHours.fresh(DAY0, zone);
        for (int d = 0; d < days; d++) {
            Instant day = DAY0.plus(Duration.ofDays(d));
            if (d >= firstNight && d < lastNight) {
                detector.observe(p, day.plus(Duration.ofHours(2)), 3_000, 300_000, peers, withHours ? hours : null);
                hours.record(day.plus(Duration.ofHours(2)), zone);
            }
            detector.observe(p, day.plus(Duration.ofHours(14)), 20_000, 2_000_000, peers, withHours ? hours : null);
            hours.record(day.plus(Duration.ofHours(14)), zone);
        }
        Instant probe = DAY0.plus(Duration.ofDays(days)).plus(Duration.ofMinutes(150));
        return detector.observe(p, probe, 30_000, 3_000_000, peers, withHours ? hours : null)
                .get(0);
    }

    @Test
    void aNightReadIsJudgedAgainstTheNightsOnlyFromTheSeventhNightWithReads() {
        WindowVerdict six = nightProbe(12, 6, 12, true);
        assertThat(six.threshold().method()).isEqualTo(Threshold.PERSONAL);
        assertThat(six.threshold().value())
                .as("4x the daily 15m peak of 20,000")
                .isEqualTo(80_000);
        assertThat(six.state()).isEqualTo(WindowVerdict.State.BELOW);

        WindowVerdict seven = nightProbe(12, 5, 12, true);
        assertThat(seven.threshold().method()).isEqualTo(Threshold.NIGHT);
        assertThat(seven.threshold().historyDays()).isEqualTo(7);
        assertThat(seven.threshold().typical()).isEqualTo(3_000);
        assertThat(seven.threshold().value())
                .as("4x the night peak of 3,000, above the 10,000 floor")
                .isEqualTo(12_000);
        assertThat(seven.state()).isEqualTo(WindowVerdict.State.CROSSED);
    }

    @Test
    void nightsLearntLongAgoAreNotANormUnlessTheAccountStillReadsAtNight() {
        // Seven nights at the start, then three and a half weeks of days only: 4 of the last 28 days had night reads.
        WindowVerdict stale = nightProbe(31, 0, 7, true);
        assertThat(stale.threshold().method()).isEqualTo(Threshold.PERSONAL);
        assertThat(stale.state()).isEqualTo(WindowVerdict.State.BELOW);
        // Without the account's active hours (the off-hours rule off) only the seven nights count.
        assertThat(nightProbe(31, 0, 7, false).threshold().method()).isEqualTo(Threshold.NIGHT);
    }

    @Test
    void theNightThresholdIsNeverAboveTheDailyOneNorBelowTheNightFloor() {
        ReadDetector off = new ReadDetector(settings.withNightNorm(null));
        ReadDetector fullFloors =
                new ReadDetector(settings.withNightNorm(NightNorm.defaults().withFloorFactor(1.0)));
        ScopeProfile p = profile();
        ScopeProfile q = profile();
        ListPeers peers = new ListPeers();
        // An account that reads the same small volume day and night: its night norm is its daily norm. By day both
        // sit at the floor (10,000); at night the floor is halved by default.
        for (int d = 0; d < 10; d++) {
            Instant day = DAY0.plus(Duration.ofDays(d));
            for (ScopeProfile profile : List.of(p, q)) {
                ReadDetector judge = profile == p ? fullFloors : detector;
                judge.observe(profile, day.plus(Duration.ofHours(2)), 500, 50_000, peers, null);
                judge.observe(profile, day.plus(Duration.ofHours(14)), 500, 50_000, peers, null);
            }
        }
        Instant night = DAY0.plus(Duration.ofDays(10)).plus(Duration.ofHours(2));
        WindowVerdict v =
                fullFloors.observe(p, night, 9_000, 900_000, peers, null).get(0);
        assertThat(v.threshold().method()).isEqualTo(Threshold.PERSONAL);
        assertThat(v.threshold().value()).isEqualTo(10_000);
        assertThat(v.state()).isEqualTo(WindowVerdict.State.BELOW);
        assertThat(off.threshold(p.windows().get(0), p.scope(), peers).value()).isEqualTo(10_000);
        // 9,000 rows at night, 18 times the account's night peak: above the halved night floor, below the daily one.
        WindowVerdict halved =
                detector.observe(q, night, 9_000, 900_000, peers, null).get(0);
        assertThat(halved.threshold().method()).isEqualTo(Threshold.NIGHT);
        assertThat(halved.threshold().value()).isEqualTo(5_000);
        assertThat(halved.state()).isEqualTo(WindowVerdict.State.CROSSED);
    }

    @Test
    void judgesByPeersSaysExactlyWhetherObserveAsksThePeers() {
        assertThat(detector.judgesByPeers(null, DAY0)).as("a scope never read").isTrue();
        ScopeProfile profile = profile();
        java.util.Random random = new java.util.Random(3);
        Instant at = DAY0.plus(Duration.ofHours(9));
        int asked = 0;
        int notAsked = 0;
        for (int read = 0; read < 400; read++) {
            // Mostly reads within a day, now and then a gap of up to four days (the roll closes several at once).
            at = at.plus(
                    random.nextInt(8) == 0
                            ? Duration.ofDays(1 + random.nextInt(4))
                            : Duration.ofMinutes(random.nextInt(90)));
            boolean predicted = detector.judgesByPeers(profile, at);
            ListPeers peers = new ListPeers();
            for (int i = 0; i < 30; i++) {
                peers.add("coop.members", "15m", 100 + i);
                peers.add("coop.members", "1h", 300 + i);
            }
            boolean[] consulted = {false};
            PeerBaselines watched = new PeerBaselines() {
                @Override
                public long count(String scope, String window) {
                    consulted[0] = true;
                    return peers.count(scope, window);
                }

                @Override
                public double quantile(String scope, String window, double q) {
                    consulted[0] = true;
                    return peers.quantile(scope, window, q);
                }

                @Override
                public double rank(String scope, String window, double value) {
                    consulted[0] = true;
                    return peers.rank(scope, window, value);
                }

                @Override
                public void add(String scope, String window, double peak) {
                    // Teaching is not asking.
                }
            };
            // Now and then a read far above any threshold: alerting windows ask for the peer percentile.
            long rows = random.nextInt(20) == 0 ? 500_000 : 10 + random.nextInt(200);
            detector.observe(profile, at, rows, rows * 100, watched);
            assertThat(consulted[0]).as("read %d at %s", read, at).isEqualTo(predicted);
            if (predicted) {
                asked++;
            } else {
                notAsked++;
            }
        }
        assertThat(asked).as("reads in cold start").isPositive();
        assertThat(notAsked).as("reads with enough history of their own").isPositive();
    }
}
