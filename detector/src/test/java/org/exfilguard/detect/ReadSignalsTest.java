package org.exfilguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;

class ReadSignalsTest {

    @Test
    void asksToWatchTheFirstThreeReadingHosts() {
        ExfiltrationAlert alert = TestAlerts.alert().clientIps("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4").build();

        List<ReadSignal> signals = ReadSignals.of(alert);

        assertThat(signals).extracting(ReadSignal::getClientIp).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        ReadSignal first = signals.get(0);
        assertThat(first.getAccount()).isEqualTo("jdoe");
        assertThat(first.getTable()).isEqualTo("coop.members");
        assertThat(first.getIncidentId()).isEqualTo(alert.getIncidentId());
        assertThat(first.getAt()).isEqualTo(alert.getDetectedAt());
        assertThat(first.getReadStart()).isEqualTo(alert.getFirstSeen());
        assertThat(first.getRows()).isEqualTo(480_000);
        assertThat(first.getBytes()).isEqualTo(96_000_000L);
    }

    @Test
    void aClosedIncidentIsNoLongerWatched() {
        assertThat(ReadSignals.of(TestAlerts.alert().status(AlertStatus.CLOSED).build())).isEmpty();
        assertThat(ReadSignals.of(TestAlerts.alert().status(AlertStatus.UPDATED).build())).hasSize(2);
    }

    @Test
    void unknownBytesAreSignalledAsZero() {
        ReadSignal signal = ReadSignals.of(TestAlerts.alert().bytes(null).detectedAt(Instant.parse("2026-03-14T03:00:00Z"))
                .build()).get(0);
        assertThat(signal.getBytes()).isZero();
    }
}
