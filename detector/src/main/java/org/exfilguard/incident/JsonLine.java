package org.exfilguard.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A rendering's tree of plain JSON nodes as one line of text (no trailing newline), as the alert topics carry it. */
final class JsonLine {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLine() {}

    static String of(JsonNode tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serialises", e);
        }
    }
}
