package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.MergedLogs;
import org.exfilguard.ingest.ParseResult;
import org.exfilguard.ingest.ParserOptions;
import org.exfilguard.topology.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFeederTest {

    private static final Instant NOW = Instant.parse("2024-03-06T12:00:00Z");

    @TempDir
    Path dir;

    private static String read(Instant at, String account) {
        return "{\"event_time\":\"" + at + "\",\"account\":\"" + account
                + "\",\"client_ip\":\"10.0.0.7\",\"database\":\"coop\","
                + "\"tables\":[\"coop.members\"],\"operation\":\"select\",\"rows_returned\":10}\n";
    }

    private record Fed(
            List<ProducerRecord<String, byte[]>> sent, List<ParseResult.Reject> rejects, EventFeeder feeder) {}

    private Fed feed(Duration maxAhead, String... lines) throws Exception {
        Path file = dir.resolve("events.jsonl");
        Files.writeString(file, String.join("", lines), StandardCharsets.UTF_8);
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        List<ParseResult.Reject> rejects = new ArrayList<>();
        EventFeeder feeder = new EventFeeder(
                producer,
                Topics.defaults(),
                (topic, e) -> new byte[1],
                (topic, e) -> new byte[1],
                Pacer.unlimited(),
                Clock.fixed(NOW, ZoneOffset.UTC),
                maxAhead,
                rejects::add);
        try (MergedLogs logs = new MergedLogs(
                List.of(new MergedLogs.Input(file, Optional.of(LogFormat.CANONICAL))),
                ParserOptions.defaults(),
                10,
                rejects::add)) {
            feeder.feed(logs);
        }
        return new Fed(producer.history(), rejects, feeder);
    }

    @Test
    void anEventFromASkewedClockIsRejectedAndTheOthersAreSent() throws Exception {
        // Two hours ahead: a Kafka 4 broker refuses it (and the batch it is in) one hour ahead of its clock.
        Fed fed = feed(
                EventTimes.sendLimit(Duration.ofHours(1), Duration.ofHours(24)),
                read(NOW.minusSeconds(60), "early"),
                read(NOW.plus(Duration.ofHours(2)), "skewed"),
                read(NOW.minusSeconds(30), "late"));

        assertThat(fed.sent()).extracting(ProducerRecord::key).containsExactly("early", "late");
        assertThat(fed.sent()).allSatisfy(r -> assertThat(r.timestamp()).isLessThanOrEqualTo(NOW.toEpochMilli()));
        assertThat(fed.rejects()).extracting(ParseResult.Reject::reason).containsExactly(EventTimes.AHEAD_OF_CLOCK);
        assertThat(fed.rejects().get(0).source()).endsWith("events.jsonl");
        assertThat(fed.feeder().refused()).containsExactlyEntriesOf(Map.of(EventTimes.AHEAD_OF_CLOCK, 1L));
        assertThat(fed.feeder().fed()).isEqualTo(2);
    }

    @Test
    void aBacktestTakesWhatTheDetectorTakes() throws Exception {
        Fed fed = feed(
                Duration.ofHours(24),
                read(NOW.plus(Duration.ofHours(2)), "skewed"),
                read(NOW.plus(Duration.ofHours(25)), "far"));

        assertThat(fed.sent()).extracting(ProducerRecord::key).containsExactly("skewed");
        assertThat(fed.rejects()).extracting(ParseResult.Reject::reason).containsExactly(EventTimes.AHEAD_OF_CLOCK);
    }

    @Test
    void feedLimitStaysUnderTheBrokersWithAMargin() {
        assertThat(EventTimes.sendLimit(Duration.ofHours(1), Duration.ofHours(24)))
                .isEqualTo(Duration.ofMinutes(55));
        assertThat(EventTimes.sendLimit(Duration.ofMillis(Long.MAX_VALUE), Duration.ofHours(24)))
                .isEqualTo(Duration.ofHours(24));
        assertThat(EventTimes.sendLimit(Duration.ofMinutes(4), Duration.ofHours(24)))
                .isEqualTo(Duration.ofMinutes(2));
    }
}
