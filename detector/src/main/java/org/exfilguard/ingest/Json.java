package org.exfilguard.ingest;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The small Jackson mapping the parsers share (field access on trees; no data binding). */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // {"account":"alice","account":"mallory"} is ambiguous (each reader picks a different one): refuse it.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Exact decimals: Zeek's ts 1588317685.417361 must not turn into 1.588317685417361E9.
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {}

    /** Reject reason for a document Jackson could not read. */
    static String malformed(Exception e) {
        if (e instanceof StreamReadException
                && e.getMessage() != null
                && e.getMessage().startsWith("Duplicate field")) {
            return DUPLICATE_KEY;
        }
        return "malformed JSON";
    }

    static final String DUPLICATE_KEY = "duplicate JSON key (ambiguous record)";

    /** Text of a field, null when absent, JSON null or empty. Numbers come back as their text. */
    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        String s = v.isBigDecimal() ? v.decimalValue().toPlainString() : v.isValueNode() ? v.asText() : v.toString();
        return s.isEmpty() ? null : s;
    }

    /** First present field among {@code fields}. */
    static JsonNode first(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && !v.isNull()) {
                return v;
            }
        }
        return null;
    }
}
