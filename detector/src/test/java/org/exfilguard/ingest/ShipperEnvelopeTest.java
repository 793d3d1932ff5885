package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShipperEnvelopeTest {

    @Test
    void unwrapsTheLineOfFilebeatVectorAndFluentBitEnvelopes() {
        assertThat(ShipperEnvelope.unwrap(
                        "{\"@timestamp\":\"x\",\"message\":\"line one\",\"agent\":{\"type\":\"filebeat\"}}"))
                .contains("line one");
        assertThat(ShipperEnvelope.unwrap("{\"host\":\"db\",\"message\":\"a\\nb\",\"source_type\":\"file\"}"))
                .contains("a\nb");
        assertThat(ShipperEnvelope.unwrap("{\"@timestamp\":1.0,\"log\":\"from fluent bit\"}"))
                .contains("from fluent bit");
    }

    @Test
    void leavesRawLinesAndTheJsonLogFormatsAlone() {
        assertThat(ShipperEnvelope.unwrap("# Time: 2026-03-02T00:02:39Z")).isEmpty();
        assertThat(ShipperEnvelope.unwrap("{\"ts\":1.5,\"id.orig_h\":\"10.0.0.1\",\"message\":\"not an envelope\"}"))
                .isEmpty();
        assertThat(ShipperEnvelope.unwrap(
                        "{\"event_time\":\"2026-03-02T00:00:00Z\",\"account\":\"a\",\"message\":\"x\"}"))
                .isEmpty();
        assertThat(ShipperEnvelope.unwrap(
                        "{\"type\":\"DatabaseActivityMonitoringRecords\",\"databaseActivityEvents\":\"{}\"}"))
                .isEmpty();
        assertThat(ShipperEnvelope.unwrap("{\"class\":\"general\",\"event\":\"status\",\"message\":\"x\"}"))
                .isEmpty();
        assertThat(ShipperEnvelope.unwrap("{\"message\":42}")).isEmpty();
        assertThat(ShipperEnvelope.unwrap("{\"message\":\"torn")).isEmpty();
    }
}
