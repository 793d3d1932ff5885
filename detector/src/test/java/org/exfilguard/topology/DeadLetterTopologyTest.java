package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.serde.AvroSerde;
import org.exfilguard.testkit.DetectorDriver;
import org.exfilguard.testkit.TestEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTopologyTest {

    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private final DetectorDriver driver = DetectorDriver.withDefaults();

    @AfterEach
    void close() {
        driver.close();
    }

    private byte[] encode(DbAccessEvent event) {
        return AvroSerde.of(DbAccessEvent.class, driver.registryClient(), false)
                .serializer()
                .serialize(DetectorDriver.TOPICS.dbAccess(), event);
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        return DeadLetters.header(record.headers(), key);
    }

    @Test
    void wrongMagicByteLandsOnDeadLetterTopicWithReasonAndDetectorKeepsRunning() {
        byte[] json = "{\"account\":\"jdoe\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        driver.pipeRaw(json, T0);
        driver.pipe(TestEvents.dbRead()
                .account("after")
                .table("coop.orders")
                .at(T0.plusSeconds(1))
                .build());

        List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).hasSize(1);
        TestRecord<byte[], byte[]> letter = dead.get(0);
        assertThat(letter.value()).isEqualTo(json);
        assertThat(header(letter, DeadLetters.REASON)).isEqualToIgnoringCase("WRONG_MAGIC_BYTE");
        assertThat(header(letter, DeadLetters.MESSAGE)).contains("magic");
        assertThat(header(letter, DeadLetters.TOPIC)).isEqualTo("db-access");
        assertThat(header(letter, DeadLetters.PARTITION)).isEqualTo("0");
        assertThat(header(letter, DeadLetters.OFFSET)).isEqualTo("0");
        assertThat(header(letter, DeadLetters.STAGE)).isEqualTo("decode");
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "not_sensitive"))
                .as("the next record was processed")
                .isEqualTo(1);
    }

    @Test
    void anEventOlderThanTheLongestWindowIsDeadLetteredAsTooLateAndCounted() {
        driver.pipe(TestEvents.dbRead().account("a").at(T0).build());
        driver.pipe(TestEvents.dbRead()
                .account("b")
                .at(T0.minus(java.time.Duration.ofDays(6)))
                .build());
        driver.pipe(TestEvents.dbRead()
                .account("c")
                .at(T0.minus(java.time.Duration.ofDays(8)))
                .build());
        List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetters.REASON)).containsExactly("too_late");
        assertThat(header(dead.get(0), DeadLetters.MESSAGE)).contains("longest window");
        assertThat(driver.metrics().count("exfil.dead.letters", "source", "db-access", "reason", "too_late"))
                .isEqualTo(1);
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "accepted"))
                .isEqualTo(2);
    }

    @Test
    void everyKindOfBadRecordIsDeadLetteredWithItsReason() {
        byte[] good = encode(TestEvents.dbRead().at(T0).build());
        byte[] unknownId = good.clone();
        unknownId[1] = 0x7f;
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        byte[] tooShort = {0, 0, 1};

        driver.pipeRaw(unknownId, T0);
        driver.pipeRaw(truncated, T0);
        driver.pipeRaw(tooShort, T0);
        driver.pipe(TestEvents.dbRead().account("").at(T0).build());
        driver.pipe(TestEvents.dbRead().account("neg").rows(-5).at(T0).build());
        driver.pipe(TestEvents.dbRead()
                .account("old")
                .at(Instant.parse("1970-01-01T00:00:10Z"))
                .build());
        driver.pipe(TestEvents.dbRead().account("ok").at(T0).build());
        driver.pipe(TestEvents.dbRead()
                .account("future")
                .at(java.time.Instant.now().plus(java.time.Duration.ofDays(30)))
                .build());
        driver.pipe(TestEvents.dbRead().account("ok").at(T0.plusSeconds(5)).build());

        Map<String, String> reasonByStage = driver.deadLetters().stream()
                .collect(Collectors.toMap(
                        r -> header(r, DeadLetters.REASON).toLowerCase(),
                        r -> header(r, DeadLetters.STAGE),
                        (a, b) -> a));
        assertThat(reasonByStage)
                .containsOnlyKeys(
                        "unknown_schema_id",
                        "truncated_body",
                        "too_short",
                        "missing_account",
                        "negative_rows",
                        "event_time_out_of_range",
                        "event_time_in_future");
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "dead_letter"))
                .isEqualTo(7);
        assertThat(driver.metrics().count("exfil.events", "source", "db-access", "outcome", "accepted"))
                .as("good records around the bad ones are processed")
                .isEqualTo(2);
    }
}
