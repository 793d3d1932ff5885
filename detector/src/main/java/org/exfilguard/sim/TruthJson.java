package org.exfilguard.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.avro.JsonLines;

/** Truth entries as JSON lines: scenario_id, kind, account, table, start, end, client_ip, egress_dst_ip, rows. */
public final class TruthJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TruthJson() {}

    public static String toJson(TruthEntry t) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("scenario_id", t.scenarioId());
        n.put("kind", t.kind().name());
        n.put("account", t.account());
        n.put("table", t.table());
        n.put("start", t.start().toString());
        n.put("end", t.end().toString());
        n.put("client_ip", t.clientIp());
        n.put("egress_dst_ip", t.egressDstIp());
        n.put("rows", t.rows());
        return n.toString();
    }

    /** @throws IllegalArgumentException with the reason when the line is not a truth entry */
    public static TruthEntry parse(String line) {
        try {
            JsonNode n = MAPPER.readTree(line);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            for (String f : List.of("scenario_id", "kind", "account", "table", "start", "end")) {
                if (!n.hasNonNull(f)) {
                    throw new IllegalArgumentException("missing " + f);
                }
            }
            return new TruthEntry(
                    n.get("scenario_id").asText(),
                    ScenarioKind.valueOf(n.get("kind").asText()),
                    n.get("account").asText(),
                    n.get("table").asText(),
                    time(n.get("start")),
                    time(n.get("end")),
                    n.hasNonNull("client_ip") ? n.get("client_ip").asText() : null,
                    n.hasNonNull("egress_dst_ip") ? n.get("egress_dst_ip").asText() : null,
                    n.path("rows").asLong(0));
        } catch (IOException ex) {
            throw new IllegalArgumentException("not JSON: " + ex.getMessage());
        }
    }

    /** ISO-8601 text, or epoch milliseconds as a number. */
    private static Instant time(JsonNode n) {
        try {
            return n.isNumber() ? Instant.ofEpochMilli(n.asLong()) : Instant.parse(n.asText());
        } catch (DateTimeParseException ex) {
            throw new IllegalArgumentException("bad timestamp " + n.asText());
        }
    }

    /** Reads a truth file; a line that cannot be read fails the whole file, since a partial truth misleads. */
    public static List<TruthEntry> read(Path file) throws IOException {
        List<TruthEntry> out = new ArrayList<>();
        JsonLines.forEach(file, (no, line) -> {
            try {
                out.add(parse(line));
            } catch (IllegalArgumentException ex) {
                throw new IOException(file + " line " + no + ": " + ex.getMessage(), ex);
            }
        });
        return out;
    }

    public static void write(Path file, List<TruthEntry> truth) throws IOException {
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (TruthEntry t : truth) {
                w.write(toJson(t));
                w.write('\n');
            }
        }
    }
}
