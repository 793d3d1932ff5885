package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.profile.TableProfile;
import org.junit.jupiter.api.Test;

/** The table side's records and stored state keep their versioned layouts. */
class TableStateCodecTest {

    @Test
    void tableReadsRoundTrip() {
        TableReads.Read read = new TableReads.Read("u1", 1_200, 29_000_000);
        TableReads.Watermark mark = new TableReads.Watermark(3, Long.MAX_VALUE, true);

        assertThat(TableReads.decode(TableReads.encode(read))).isEqualTo(read);
        assertThat(TableReads.decode(TableReads.encode(mark))).isEqualTo(mark);
        assertThat(TableReads.isWatermark(TableReads.encode(mark))).isTrue();
        assertThat(TableReads.isWatermark(TableReads.encode(read))).isFalse();
    }

    @Test
    void aNewerLayoutIsRefusedWithAReason() {
        byte[] bytes = TableReads.encode(new TableReads.Read("u1", 1, 1));
        bytes[1] = 9;

        assertThatThrownBy(() -> TableReads.decode(bytes)).hasMessageContaining("layout version 9");
    }

    @Test
    void aProfileRoundTrips() {
        TableSettings settings = TableSettings.defaults();
        TableProfileCodec codec = new TableProfileCodec(settings);
        TableProfile p = new TableProfile("coop.members", java.time.ZoneOffset.UTC, 1, settings.historyDays());
        p.rollTo(60 * 100);
        p.addMinute(60 * 100, Map.of("a", 10L, "b", 20L), 15);
        p.observeClean(0, 30);
        p.rollTo(60 * 103);
        p.incident(new TableProfile.TableIncident(
                "inc-1", 6000, 360_000_000L, 6001, 360_060_000L, 2, 1.5, new byte[] {1, 2}));

        TableProfile back = codec.decode(codec.encode(p));

        assertThat(back.table()).isEqualTo("coop.members");
        assertThat(back.hour()).isEqualTo(103);
        assertThat(back.recent()).isEqualTo(p.recent());
        for (int h = 0; h < TableProfile.SLOTS; h++) {
            assertThat(back.history(0, h)).containsExactly(p.history(0, h));
        }
        assertThat(back.history(0, 100 % 24)).containsExactly(30);
        assertThat(back.incident().incidentId()).isEqualTo("inc-1");
        assertThat(back.incident().lastAlert()).containsExactly(1, 2);
        assertThat(codec.decodePending(codec.encodePending(Map.of("x", 5L)))).containsEntry("x", 5L);
    }
}
