package org.exfilguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.exfilguard.metrics.DetectorMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kafka Streams does when the broker refuses one record the detector produces. A refusal of that record
 * alone (too large, a timestamp the topic does not take, a record the broker finds invalid) is a bad record, not a
 * broken detector: it goes to the dead-letter topic with its reason and where it was going (its value too, unless
 * the value is what was too large), a counter moves, and processing goes on. Anything else (authorisation, a
 * missing topic, a serialisation failure such as a registry outage) stops the detector as before, so exactly-once
 * processing retries the records after the restart.
 *
 * <p>Configured by class name ({@code production.exception.handler}); {@link #DEAD_LETTER_TOPIC} and
 * {@link #METRICS} come through the Streams properties.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    /** Streams property: the dead-letter topic. */
    public static final String DEAD_LETTER_TOPIC = "exfilguard.production.dead.letter.topic";
    /** Streams property: the {@link DetectorMetrics} to count with (an object, not a string). */
    public static final String METRICS = "exfilguard.production.metrics";
    /** Dead-letter stage of a record the broker refused. */
    public static final String STAGE = "produce";
    /** Header naming the topic the refused record was going to. */
    public static final String TARGET_TOPIC = "exfil.error.target.topic";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProductionHandler.class);

    private String deadLetterTopic;
    private DetectorMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DEAD_LETTER_TOPIC);
        deadLetterTopic = topic == null ? null : topic.toString();
        metrics = configs.get(METRICS) instanceof DetectorMetrics m ? m : null;
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        String reason = reason(exception);
        if (reason == null) {
            return Response.fail();
        }
        log.warn(
                "the broker refused a record for {} ({}), produced from {}-{} offset {}; dead-lettered, processing goes on: {}",
                record.topic(),
                reason,
                context.topic(),
                context.partition(),
                context.offset(),
                exception.toString());
        if (metrics != null) {
            metrics.deadLetter("producer", reason);
        }
        // A refused dead letter is not sent to the dead-letter topic again.
        if (deadLetterTopic == null || deadLetterTopic.equals(record.topic())) {
            return Response.resume();
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        put(headers, DeadLetters.REASON, reason);
        put(headers, DeadLetters.MESSAGE, String.valueOf(exception.getMessage()));
        put(headers, DeadLetters.STAGE, STAGE);
        put(headers, TARGET_TOPIC, record.topic());
        if (context.topic() != null) {
            put(headers, DeadLetters.TOPIC, context.topic());
            put(headers, DeadLetters.PARTITION, Integer.toString(context.partition()));
            put(headers, DeadLetters.OFFSET, Long.toString(context.offset()));
        }
        boolean tooLarge =
                exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException;
        // No timestamp: the producer stamps it with the wall clock, which the dead-letter topic takes.
        return Response.resume(List.of(new ProducerRecord<>(
                deadLetterTopic,
                null,
                null,
                tooLarge ? null : record.key(),
                tooLarge ? null : record.value(),
                headers)));
    }

    /** The dead-letter reason of an exception that concerns the one record, or null when it does not. */
    static String reason(Exception e) {
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return "record_too_large";
        }
        if (e instanceof InvalidTimestampException) {
            return "invalid_timestamp";
        }
        if (e instanceof InvalidRecordException) {
            return "invalid_record";
        }
        return null;
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
