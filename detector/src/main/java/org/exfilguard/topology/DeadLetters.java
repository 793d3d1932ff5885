package org.exfilguard.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Headers of a dead letter: why, and where the record came from, so it can be found, fixed and replayed.
 * The value and key are the original bytes.
 */
public final class DeadLetters {

    public static final String REASON = "exfil.error.reason";
    public static final String MESSAGE = "exfil.error.message";
    public static final String STAGE = "exfil.error.stage";
    public static final String TOPIC = "exfil.error.topic";
    public static final String PARTITION = "exfil.error.partition";
    public static final String OFFSET = "exfil.error.offset";

    private static final int MAX_MESSAGE = 1000;

    private DeadLetters() {}

    static Headers headers(Headers original, String stage, String reason, String message, RecordMetadata source) {
        Headers headers = new RecordHeaders(original.toArray());
        put(headers, REASON, reason);
        put(
                headers,
                MESSAGE,
                message == null
                        ? reason
                        : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message);
        put(headers, STAGE, stage);
        if (source != null) {
            put(headers, TOPIC, source.topic());
            put(headers, PARTITION, Integer.toString(source.partition()));
            put(headers, OFFSET, Long.toString(source.offset()));
        }
        return headers;
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public static String header(Headers headers, String key) {
        var header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
