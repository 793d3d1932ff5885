package org.exfilguard.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;

/**
 * The log line inside a shipper's JSON envelope. Filebeat's Kafka output, Vector's {@code json} codec and Logstash
 * put the line in {@code message}; Fluent Bit's {@code tail} input in {@code log}. A record that is itself one of
 * the JSON log formats (canonical events, Zeek JSON, Aurora DAS, MySQL audit JSON) is no envelope, whatever its
 * fields are called.
 */
public final class ShipperEnvelope {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fields the shippers put the original line in, in the order they are tried. */
    static final List<String> LINE_FIELDS = List.of("message", "log");
    /** Fields that mark a record as a JSON log format of its own. */
    private static final List<String> FORMAT_FIELDS = List.of("event_time", "ts", "databaseActivityEvents", "class");

    private ShipperEnvelope() {}

    /** The enveloped line, or empty when the record is not a shipper's JSON envelope. */
    public static Optional<String> unwrap(String record) {
        String text = record.strip();
        if (!text.startsWith("{") || !text.endsWith("}")) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject() || FORMAT_FIELDS.stream().anyMatch(node::has)) {
            return Optional.empty();
        }
        for (String field : LINE_FIELDS) {
            JsonNode line = node.get(field);
            if (line != null && line.isTextual()) {
                return Optional.of(line.asText());
            }
        }
        return Optional.empty();
    }
}
