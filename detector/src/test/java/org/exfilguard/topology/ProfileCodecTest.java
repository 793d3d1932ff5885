package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.profile.WindowProfile;
import org.junit.jupiter.api.Test;

class ProfileCodecTest {

    private final DetectionSettings settings = DetectionSettings.defaults(SensitiveTables.parse("coop.members"));
    private final ProfileCodec codec = new ProfileCodec(settings);
    private final Instant t0 = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void varintsRoundTripEdgeValues() {
        long[] values = {0, 1, -1, 127, 128, -129, Long.MAX_VALUE, Long.MIN_VALUE, 2_000_000, 0, 0};
        byte[] packed = Varints.pack(values);
        assertThat(Varints.count(packed)).isEqualTo(values.length);
        assertThat(Varints.unpack(packed, values.length)).containsExactly(values);
    }

    @Test
    void profileSurvivesEncodeAndDecodeWithItsWindowsAndHistory() {
        ScopeProfile profile =
                ScopeProfile.fresh("jdoe", "coop.members", settings.windows(), settings.historyDays(), t0);
        for (int d = 0; d < 10; d++) {
            for (WindowProfile w : profile.windows()) {
                Instant at = t0.plus(Duration.ofDays(d));
                w.rollDays(at, 8);
                w.add(at, 100L * (d + 1), 15_000L * (d + 1));
                w.observeClean(w.sumRows());
            }
        }
        profile.noteEvidence("10.0.0.1", "select * from coop.members where id = ?", 100, t0);

        ScopeProfile back = codec.decode(codec.encode(profile), t0);
        for (int i = 0; i < profile.windows().size(); i++) {
            WindowProfile a = profile.windows().get(i);
            WindowProfile b = back.windows().get(i);
            assertThat(b.bucketRows()).containsExactly(a.bucketRows());
            assertThat(b.bucketBytes()).containsExactly(a.bucketBytes());
            assertThat(b.history()).containsExactly(a.history());
            assertThat(b.sumRows()).isEqualTo(a.sumRows());
            assertThat(b.head()).isEqualTo(a.head());
            assertThat(b.dayPeak()).isEqualTo(a.dayPeak());
        }
        assertThat(back.recentClientIps()).containsExactly("10.0.0.1");
        assertThat(codec.encode(back)).isEqualTo(codec.encode(profile));
    }

    @Test
    void incidentsAndEvidenceSurviveAndTheLayoutIsTagged() {
        ScopeProfile profile = ScopeProfile.fresh("jdoe", "*", settings.windows(), settings.historyDays(), t0);
        profile.windows().get(0).add(t0, 40_000, 7_200_000);
        profile.windows().get(0).recordAlert(t0, 40_000);
        profile.noteEvidence("10.0.0.1", "select * from coop.members", 40_000, t0);
        profile.noteEvidence("10.0.0.2", "select id from coop.members where id = ?", 1, t0.plusSeconds(5));
        profile.incident(new org.exfilguard.profile.OpenIncident(
                "inc-1",
                t0,
                t0.minusSeconds(60),
                t0.plusSeconds(30),
                t0,
                2,
                7.5,
                "HIGH",
                new byte[] {1, 2, 3},
                true,
                null));
        profile.closed(new ScopeProfile.ClosedIncident("inc-0", new byte[] {9}, false));

        byte[] bytes = codec.encode(profile);
        assertThat(bytes[0]).as("tag byte: no Avro ProfileState starts with it").isEqualTo((byte) ProfileCodec.TAG);
        assertThat(bytes[1]).isEqualTo((byte) ProfileCodec.VERSION);
        ScopeProfile back = codec.decode(bytes, t0);
        assertThat(back.incident().incidentId()).isEqualTo("inc-1");
        assertThat(back.incident().lastActivity()).isEqualTo(t0.plusSeconds(30));
        assertThat(back.incident().lastScore()).isEqualTo(7.5);
        assertThat(back.incident().lastAlert()).containsExactly(1, 2, 3);
        assertThat(back.incident().escalated()).isTrue();
        assertThat(back.incident().egressEvidence()).isNull();
        assertThat(back.closed().incidentId()).isEqualTo("inc-0");
        assertThat(back.recentIps()).containsOnlyKeys("10.0.0.1", "10.0.0.2");
        assertThat(back.topFingerprints(1)).containsExactly("select * from coop.members");
        assertThat(back.windows().get(0).alertedDays())
                .isEqualTo(profile.windows().get(0).alertedDays());
        assertThat(back.windows().get(0).sumBytes()).isEqualTo(7_200_000);
        assertThat(codec.encode(back)).isEqualTo(bytes);
    }

    @Test
    void stateWrittenAsAvroByEarlierVersionsIsStillRead() {
        long[] rows = new long[15];
        rows[3] = 1_200;
        byte[] legacy = new org.exfilguard.incident.AvroBytes<>(org.exfilguard.schema.state.ProfileState.class)
                .encode(org.exfilguard.schema.state.ProfileState.newBuilder()
                        .setAccount("jdoe")
                        .setScope("coop.members")
                        .setFirstDay(20_000)
                        .setWindows(java.util.List.of(org.exfilguard.schema.state.WindowState.newBuilder()
                                .setName("15m")
                                .setHead(1_000)
                                .setDay(20_500)
                                .setDayPeak(1_200)
                                .setArmed(true)
                                .setBucketRows(java.nio.ByteBuffer.wrap(Varints.pack(rows)))
                                .setBucketBytes(java.nio.ByteBuffer.wrap(Varints.pack(new long[15])))
                                .setHistory(java.nio.ByteBuffer.wrap(Varints.pack(new long[] {10, 20, 30})))
                                .build()))
                        .setRecentIps(java.util.Map.of("10.0.0.1", 5L))
                        .build());
        ScopeProfile back = codec.decode(legacy, t0);
        assertThat(back.account()).isEqualTo("jdoe");
        assertThat(back.firstDay()).isEqualTo(20_000);
        WindowProfile w = back.windows().get(0);
        assertThat(w.sumRows()).isEqualTo(1_200);
        assertThat(w.head()).isEqualTo(1_000);
        assertThat(w.history()).containsExactly(10, 20, 30);
        assertThat(back.windows())
                .as("windows the old state did not have start afresh")
                .hasSize(settings.windows().size());
        assertThat(back.windows().get(1).sumRows()).isZero();
        assertThat(back.recentClientIps()).containsExactly("10.0.0.1");
    }

    @Test
    void corruptOrNewerStateFailsWithAClearMessage() {
        byte[] good = codec.encode(
                ScopeProfile.fresh("jdoe", "coop.members", settings.windows(), settings.historyDays(), t0));
        byte[] newer = good.clone();
        newer[1] = (byte) (ProfileCodec.VERSION + 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(newer, t0))
                .hasMessageContaining("layout version " + (ProfileCodec.VERSION + 1));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(truncated, t0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile state");
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.decode(longer, t0))
                .hasMessageContaining("bytes left");
    }

    /**
     * Bytes the previous build (layout 1, commit 8999a05) wrote for a profile with an open and a closed incident; the
     * alerts they keep were written by the alert schema before {@code totals}.
     */
    static final String LAYOUT_1 =
            "0001086a646f6518636f6f702e6d656d62657273c4c002020631356d1eb086961cc4c0020001020280f10400000002103130"
                    + "2e302e302e3180a4ecdf9567023473656c656374202a2066726f6d20636f6f702e6d656d6265727380f104010a696e632d31"
                    + "80a4ecdf956780a4ecdf956780a4ecdf956780a4ecdf95670200000000000010400848494748c8020a616c722d310a696e63"
                    + "2d310000040000000000001040086a646f6518636f6f702e6d656d6265727380a4ecdf95670631356d80df85df9567c0cdf3"
                    + "df956780f104000000000000003e400000000000000000000000000000000026706572736f6e616c2d6461696c792d706561"
                    + "6b14000280a4ecdf9567021031302e302e302e310000000000002a6a646f6520726561642034302c30303020726f77730a30"
                    + "2e312e300000010a696e632d30c8020a616c722d310a696e632d310000040000000000001040086a646f6518636f6f702e6d"
                    + "656d6265727380a4ecdf95670631356d80df85df9567c0cdf3df956780f104000000000000003e4000000000000000000000"
                    + "00000000000026706572736f6e616c2d6461696c792d7065616b14000280a4ecdf9567021031302e302e302e310000000000"
                    + "002a6a646f6520726561642034302c30303020726f77730a302e312e3001";

    @Test
    void layoutOneOfThePreviousBuildIsReadAndItsKeptAlertsAreRewrittenInTheCurrentSchema() {
        byte[] bytes = java.util.HexFormat.of().parseHex(LAYOUT_1);
        assertThat(bytes[1]).isEqualTo((byte) ProfileCodec.VERSION_WITHOUT_TALLY);
        ScopeProfile back = codec.decode(bytes, t0);
        assertThat(back.account()).isEqualTo("jdoe");
        assertThat(back.windows().get(0).sumRows()).isEqualTo(40_000);
        assertThat(back.incident().incidentId()).isEqualTo("inc-1");
        assertThat(back.tally())
                .as("incidents opened before totals go on without them")
                .isNull();
        var alerts = new org.exfilguard.incident.AvroBytes<>(org.exfilguard.schema.ExfiltrationAlert.class);
        org.exfilguard.schema.ExfiltrationAlert kept =
                alerts.decode(back.incident().lastAlert());
        assertThat(kept.getObservedRows()).isEqualTo(40_000);
        assertThat(kept.getReason()).isEqualTo("jdoe read 40,000 rows");
        assertThat(kept.getDetectorVersion()).isEqualTo("0.1.0");
        assertThat(kept.getTotals()).isNull();
        assertThat(alerts.decode(back.closed().lastAlert()).getIncidentId()).isEqualTo("inc-1");
        byte[] again = codec.encode(back);
        assertThat(again[1]).as("written back in the current layout").isEqualTo((byte) ProfileCodec.VERSION);
        assertThat(codec.decode(again, t0).incident().lastAlert())
                .containsExactly(back.incident().lastAlert());
    }

    @Test
    void incidentTallySurvivesEncodeAndDecode() {
        ScopeProfile profile =
                ScopeProfile.fresh("jdoe", "coop.members", settings.windows(), settings.historyDays(), t0);
        org.exfilguard.profile.IncidentTally tally = org.exfilguard.profile.IncidentTally.opened(
                "inc-1",
                t0.minusSeconds(60),
                t0,
                40_000,
                6_000_000,
                java.util.List.of("10.0.0.2"),
                25_000,
                "10.0.0.1",
                "select * from coop.members");
        tally.addRead(t0.plusSeconds(30), 5_000, 750_000, "10.0.0.3", "select id from coop.members");
        tally.addEgress("10.0.0.1", 75_000_000, java.util.Map.of("198.51.100.240", 75_000_000L));
        profile.tally(tally);

        byte[] bytes = codec.encode(profile);
        org.exfilguard.profile.IncidentTally back = codec.decode(bytes, t0).tally();
        assertThat(back.incidentId()).isEqualTo("inc-1");
        assertThat(back.firstRead()).isEqualTo(t0.minusSeconds(60));
        assertThat(back.lastRead()).isEqualTo(t0.plusSeconds(30));
        assertThat(back.rows()).isEqualTo(45_000);
        assertThat(back.bytes()).isEqualTo(6_750_000);
        assertThat(back.largestRead()).isEqualTo(25_000);
        assertThat(back.clientIpsByRows()).containsExactly("10.0.0.1", "10.0.0.3", "10.0.0.2");
        assertThat(back.fingerprintsByRows())
                .containsExactly("select * from coop.members", "select id from coop.members");
        assertThat(back.egressBytes()).isEqualTo(75_000_000);
        assertThat(back.destinationsByBytes()).containsExactly("198.51.100.240");
        assertThat(codec.encode(codec.decode(bytes, t0))).isEqualTo(bytes);
    }

    /**
     * Bytes the build before the account's active hours (layout 2, commit 4c14df5) wrote for the all-tables profile of
     * an account with three days of history in every window.
     */
    static final String LAYOUT_2 =
            "0002086a646f65022ac4c002080631356d1eb0b3961cc8c002cc01010202cc01d00f04c801ca010004316818f0a3d105c8c0"
                    + "02cc01010202cc01d00f04c801ca010004316430d48d3cc8c002cc01010216cc01d00f04c801ca010004376438a2820ac8c0"
                    + "02de04010624c801d00f08ca01d00f08cc01d00f04c801920300021031302e302e302e3180a4ecdf9567024e73656c656374"
                    + "202a2066726f6d20636f6f702e6d656d62657273207768657265206964203d203fc801000000";

    @Test
    void layoutTwoOfThePreviousBuildIsReadWithItsHistoryAndStartsItsHoursAfresh() {
        byte[] bytes = java.util.HexFormat.of().parseHex(LAYOUT_2);
        assertThat(bytes[1]).isEqualTo((byte) ProfileCodec.VERSION_WITHOUT_HOURS);
        ScopeProfile back = codec.decode(bytes, t0);
        assertThat(back.account()).isEqualTo("jdoe");
        assertThat(back.scope()).isEqualTo(ScopeProfile.ALL_SENSITIVE);
        assertThat(back.windows().get(0).history()).containsExactly(100, 101);
        assertThat(back.recentClientIps()).containsExactly("10.0.0.1");
        assertThat(back.activeHours())
                .as("learnt anew: the off-hours rule waits for a new history")
                .isNull();
        assertThat(back.offHours()).isNull();
        byte[] again = codec.encode(back);
        assertThat(again[1]).isEqualTo((byte) ProfileCodec.VERSION);
        assertThat(codec.decode(again, t0).windows().get(0).history()).containsExactly(100, 101);
    }

    @Test
    void activeHoursAndTheOffHoursWindowSurviveEncodeAndDecode() {
        ScopeProfile profile =
                ScopeProfile.fresh("jdoe", ScopeProfile.ALL_SENSITIVE, settings.windows(), settings.historyDays(), t0);
        java.time.ZoneId zone = settings.offHours().zone();
        org.exfilguard.profile.ActiveHours hours = org.exfilguard.profile.ActiveHours.fresh(t0, zone);
        for (int d = 0; d < 10; d++) {
            hours.record(t0.plus(Duration.ofDays(d)), zone);
        }
        profile.activeHours(hours);
        WindowProfile off = new WindowProfile(settings.offHours().window(), 1, t0);
        off.add(t0.plusSeconds(60), 250, 4_000);
        off.recordAlert(t0.plusSeconds(60), 250);
        profile.offHours(off);

        ScopeProfile back = codec.decode(codec.encode(profile), t0.plusSeconds(120));
        assertThat(back.activeHours().firstDay()).isEqualTo(hours.firstDay());
        assertThat(back.activeHours().masks()).containsExactly(hours.masks());
        Instant later = t0.plus(Duration.ofDays(10));
        assertThat(back.activeHours().daysReadAround(later, zone, 28))
                .as("the working days of the ten")
                .isEqualTo(8);
        assertThat(back.offHours().spec()).isEqualTo(settings.offHours().window());
        assertThat(back.offHours().sumRows()).isEqualTo(250);
        assertThat(back.offHours().alertedDays()).hasSize(1);
    }
    /**
     * Bytes the previous build (layout 3, main 248a389) wrote for an all-tables profile with three days of history in
     * every window, active hours and an off-hours window.
     */
    static final String LAYOUT_3 =
            "000306737663022ac4c002080631356d1eb0b3961cc8c002cc01010202cc01d00f04c801ca0100043168"
                    + "18f0a3d105c8c002cc01010202cc01d00f04c801ca010004316430d48d3cc8c002cc01010216cc01d00f04c801ca010004376438a2"
                    + "820ac8c002de04010624c801d00f08ca01d00f08cc01d00f04c801920300000000000001c4c002c8c00202160e01186f66662d686f"
                    + "75727320316818f09ad105c4c00200010202f403c03e0000";

    @Test
    void layoutThreeOfThePreviousBuildIsReadWithItsHoursAndStartsItsNightPeaksAfresh() {
        byte[] bytes = java.util.HexFormat.of().parseHex(LAYOUT_3);
        assertThat(bytes[1]).isEqualTo((byte) ProfileCodec.VERSION_WITHOUT_BANDS);
        ScopeProfile back = codec.decode(bytes, t0);
        assertThat(back.account()).isEqualTo("svc");
        assertThat(back.windows().get(0).history()).containsExactly(100, 101);
        assertThat(back.windows()).allMatch(w -> w.band() == null);
        assertThat(back.activeHours()).isNotNull();
        assertThat(back.offHours().sumRows()).isEqualTo(250);
        byte[] again = codec.encode(back);
        assertThat(again[1]).isEqualTo((byte) ProfileCodec.VERSION);
        ScopeProfile twice = codec.decode(again, t0);
        assertThat(twice.windows().get(0).history()).containsExactly(100, 101);
        assertThat(twice.activeHours().masks())
                .containsExactly(back.activeHours().masks());
    }

    @Test
    void nightPeaksSurviveEncodeAndDecode() {
        ScopeProfile profile =
                ScopeProfile.fresh("svc", ScopeProfile.ALL_SENSITIVE, settings.windows(), settings.historyDays(), t0);
        org.exfilguard.profile.BandPeaks band = new org.exfilguard.profile.BandPeaks(settings.historyDays());
        for (long d = 0; d < 40; d++) {
            band.observeClean(20_500 + d, 1_000 + 10 * d);
            band.observeClean(20_500 + d, 900);
        }
        profile.windows().get(1).band(band);

        ScopeProfile back = codec.decode(codec.encode(profile), t0);
        org.exfilguard.profile.BandPeaks b = back.windows().get(1).band();
        assertThat(b.history()).hasSize(settings.historyDays()).containsExactly(band.history());
        assertThat(b.historyAt(b.historySize() - 1))
                .as("the newest closed night")
                .isEqualTo(1_380);
        assertThat(b.day()).isEqualTo(20_539);
        assertThat(b.peak()).as("the night still open").isEqualTo(1_390);
        assertThat(back.windows().get(0).band()).isNull();
        assertThat(codec.encode(back)).isEqualTo(codec.encode(profile));
    }

    @Test
    void nightPeaksOfAnotherBandStartAfresh() {
        ScopeProfile profile =
                ScopeProfile.fresh("svc", ScopeProfile.ALL_SENSITIVE, settings.windows(), settings.historyDays(), t0);
        org.exfilguard.profile.BandPeaks band = new org.exfilguard.profile.BandPeaks(settings.historyDays());
        for (long d = 0; d < 10; d++) {
            band.observeClean(20_500 + d, 1_000);
        }
        profile.windows().get(0).band(band);
        byte[] bytes = codec.encode(profile);

        ProfileCodec sameBand = new ProfileCodec(settings.withNightNorm(
                org.exfilguard.detect.NightNorm.parse(java.time.ZoneId.of("Europe/Paris"), "00:00-06:00")));
        assertThat(sameBand.decode(bytes, t0).windows().get(0).band().historySize())
                .as("the zone is not part of the band's key")
                .isEqualTo(9);
        ProfileCodec otherBand = new ProfileCodec(
                settings.withNightNorm(org.exfilguard.detect.NightNorm.parse(java.time.ZoneOffset.UTC, "22:00-05:00")));
        assertThat(otherBand.decode(bytes, t0).windows().get(0).band()).isNull();
        ProfileCodec off = new ProfileCodec(settings.withNightNorm(null));
        assertThat(off.decode(bytes, t0).windows().get(0).band()).isNull();
    }
}
