package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.config.StreamsSettings;
import org.exfilguard.metrics.DetectorMetrics;
import org.junit.jupiter.api.Test;

class DeadLetterProductionHandlerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeadLetterProductionHandler handler = new DeadLetterProductionHandler();

    DeadLetterProductionHandlerTest() {
        handler.configure(Map.of(
                DeadLetterProductionHandler.DEAD_LETTER_TOPIC,
                "exfil-dlq",
                DeadLetterProductionHandler.METRICS,
                new DetectorMetrics(registry)));
    }

    private static final ErrorHandlerContext FROM_RAW_DB_LOGS = new ErrorHandlerContext() {
        @Override
        public String topic() {
            return "raw-db-logs";
        }

        @Override
        public int partition() {
            return 2;
        }

        @Override
        public long offset() {
            return 41;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return NormaliserTopology.DB_ACCESS_SINK;
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 2);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    };

    private static ProducerRecord<byte[], byte[]> record(String topic) {
        return new ProducerRecord<>(
                topic, null, 7_200_000L, "acct".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
    }

    private double counted(String reason) {
        var c = registry.find("exfil.dead.letters").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aTimestampTheBrokerRefusesIsDeadLetteredAndProcessingGoesOn() {
        ProductionExceptionHandler.Response r = handler.handleError(
                FROM_RAW_DB_LOGS,
                record("db-access"),
                new InvalidTimestampException("Timestamp 1772416959000 of message with offset 0 is out of range"));

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = r.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("exfil-dlq");
        assertThat(dead.timestamp())
                .as("stamped by the producer's clock, which the topic takes")
                .isNull();
        assertThat(dead.value()).containsExactly(1, 2, 3);
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("invalid_timestamp");
        assertThat(DeadLetters.header(dead.headers(), DeadLetterProductionHandler.TARGET_TOPIC))
                .isEqualTo("db-access");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.OFFSET)).isEqualTo("41");
        assertThat(counted("invalid_timestamp")).isEqualTo(1.0);
    }

    @Test
    void aRecordTooLargeIsDeadLetteredWithoutItsValue() {
        ProductionExceptionHandler.Response r = handler.handleError(
                FROM_RAW_DB_LOGS, record("exfil-alerts"), new RecordTooLargeException("The message is 2000000 bytes"));

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords().get(0).value()).isNull();
        assertThat(counted("record_too_large")).isEqualTo(1.0);
    }

    @Test
    void aRefusedDeadLetterIsCountedNotSentAgain() {
        ProductionExceptionHandler.Response r =
                handler.handleError(FROM_RAW_DB_LOGS, record("exfil-dlq"), new RecordTooLargeException("too large"));

        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void otherErrorsStillStopTheDetector() {
        assertThat(handler.handleError(
                                FROM_RAW_DB_LOGS, record("exfil-alerts"), new TopicAuthorizationException("denied"))
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    @Test
    void theStreamsSettingsInstallIt() {
        Properties props = StreamsSettings.of(new ExfilguardConfig(Map.of()));
        assertThat(props.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DeadLetterProductionHandler.class);
        assertThat(props.get(DeadLetterProductionHandler.DEAD_LETTER_TOPIC)).isEqualTo("exfil-dlq");
        assertThat(new StreamsConfig(props).productionExceptionHandler())
                .isInstanceOf(DeadLetterProductionHandler.class);
    }
}
