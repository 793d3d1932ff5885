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

    @Test
    void varintsRoundTripEdgeValues() {
        long[] values = {0, 1, -1, 127, 128, -129, Long.MAX_VALUE, Long.MIN_VALUE, 2_000_000, 0, 0};
        byte[] packed = Varints.pack(values);
        assertThat(Varints.count(packed)).isEqualTo(values.length);
        assertThat(Varints.unpack(packed, values.length)).containsExactly(values);
    }

    @Test
    void profileSurvivesEncodeAndDecodeWithItsWindowsAndHistory() {
        DetectionSettings settings = DetectionSettings.defaults(SensitiveTables.parse("coop.members"));
        ProfileCodec codec = new ProfileCodec(settings);
        Instant t0 = Instant.parse("2026-03-02T10:00:00Z");
        ScopeProfile profile = ScopeProfile.fresh("jdoe", "coop.members", settings.windows(), settings.historyDays(), t0);
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
}
