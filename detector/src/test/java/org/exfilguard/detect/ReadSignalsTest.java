package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;

class ReadSignalsTest {

    @Test
    void asksToWatchTheFirstThreeReadingHostsFromTheCheckpointWithTheRecord() {
        ExfiltrationAlert alert = TestAlerts.alert()
                .clientIps("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")
                .build();
        assertThat(ReadSignals.watched(alert)).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");

        ReadSignal first = ReadSignals.watch(alert, "10.0.0.1", 1_800_000_000_000L, new byte[] {1, 2});
        assertThat(first.getClientIp()).isEqualTo("10.0.0.1");
        assertThat(first.getAccount()).isEqualTo("jdoe");
        assertThat(first.getTable()).isEqualTo("coop.members");
        assertThat(first.getIncidentId()).isEqualTo(alert.getIncidentId());
        assertThat(first.getAt()).isEqualTo(alert.getDetectedAt());
        assertThat(first.getReadStart()).isEqualTo(alert.getFirstSeen());
        assertThat(first.getRows()).isEqualTo(480_000);
        assertThat(first.getBytes()).isEqualTo(96_000_000L);
        assertThat(first.getCheckpoint()).isEqualTo(Instant.ofEpochMilli(1_800_000_000_000L));
        assertThat(first.getAlert().remaining()).isEqualTo(2);
        assertThat(first.getClosing()).isFalse();
        assertThat(first.getWatermark()).isNull();
    }

    @Test
    void aCloseAsksForTheFinalReportAndAWatermarkNamesItsTask() {
        ExfiltrationAlert alert = TestAlerts.alert().build();
        Instant last = Instant.parse("2026-03-14T03:00:00Z");
        ReadSignal close = ReadSignals.closing(alert, "10.0.0.9", last, 1_800_000_060_000L);
        assertThat(close.getClosing()).isTrue();
        assertThat(close.getLastActivity()).isEqualTo(last);
        assertThat(close.getAlert()).isNull();
        ReadSignal mark = ReadSignals.watermark(1_800_000_000_000L, 1_800_000_000_000L, 2, 6, false);
        assertThat(mark.getWatermark()).isEqualTo(Instant.ofEpochMilli(1_800_000_000_000L));
        assertThat(mark.getSource()).isEqualTo(2);
        assertThat(mark.getSources()).isEqualTo(6);
        assertThat(mark.getIncidentId()).isNull();
    }

    @Test
    void unknownBytesAreSignalledAsZero() {
        ReadSignal signal = ReadSignals.watch(
                TestAlerts.alert()
                        .bytes(null)
                        .detectedAt(Instant.parse("2026-03-14T03:00:00Z"))
                        .build(),
                "10.0.0.1",
                0,
                new byte[0]);
        assertThat(signal.getBytes()).isZero();
    }
}
