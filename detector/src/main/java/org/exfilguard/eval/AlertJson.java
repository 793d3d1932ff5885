package org.exfilguard.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes alert JSON lines; times are ISO-8601 (epoch milliseconds are accepted on input). */
public final class AlertJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {
    }

    /** Alerts read from a file, and the lines that could not be read with the reason for each. */
    public record ReadResult(List<AlertRecord> alerts, List<String> rejects) {
    }

    public static String toJson(AlertRecord a) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("alert_id", a.alertId());
        n.put("incident_id", a.incidentId());
        n.put("status", a.status());
        n.put("kind", a.kind());
        n.put("severity", a.severity());
        n.put("score", a.score());
        n.put("account", a.account());
        n.put("table", a.table());
        n.put("detected_at", a.detectedAt().toString());
        n.put("window_start", a.windowStart() == null ? null : a.windowStart().toString());
        n.put("window_end", a.windowEnd() == null ? null : a.windowEnd().toString());
        n.put("observed_rows", a.observedRows());
        n.put("baseline_rows", a.baselineRows());
        n.put("reason", a.reason());
        n.put("suppressed", a.suppressed());
        return n.toString();
    }

    /** @throws IllegalArgumentException with the reason when the line is not an alert */
    public static AlertRecord parse(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("not JSON: " + ex.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (String f : List.of("account", "table", "detected_at")) {
            if (!n.hasNonNull(f)) {
                throw new IllegalArgumentException("missing " + f);
            }
        }
        return new AlertRecord(text(n, "alert_id"), text(n, "incident_id"), text(n, "status"), text(n, "kind"),
                text(n, "severity"), n.path("score").asDouble(0), n.get("account").asText(), n.get("table").asText(),
                time(n, "detected_at"), time(n, "window_start"), time(n, "window_end"),
                n.path("observed_rows").asLong(0), n.path("baseline_rows").asDouble(0), text(n, "reason"),
                n.path("suppressed").asBoolean(false));
    }

    /** Reads every line it can; unreadable lines are returned as rejects, never thrown. */
    public static ReadResult read(Path file) throws IOException {
        List<AlertRecord> alerts = new ArrayList<>();
        List<String> rejects = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    alerts.add(parse(line));
                } catch (IllegalArgumentException ex) {
                    rejects.add(file.getFileName() + ":" + no + ": " + ex.getMessage());
                }
            }
        }
        return new ReadResult(alerts, rejects);
    }

    public static void write(Writer out, List<AlertRecord> alerts) throws IOException {
        for (AlertRecord a : alerts) {
            out.write(toJson(a));
            out.write('\n');
        }
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }

    private static Instant time(JsonNode n, String f) {
        if (!n.hasNonNull(f)) {
            return null;
        }
        JsonNode v = n.get(f);
        try {
            return v.isNumber() ? Instant.ofEpochMilli(v.asLong()) : Instant.parse(v.asText());
        } catch (DateTimeParseException ex) {
            throw new IllegalArgumentException("bad " + f + ": " + v.asText());
        }
    }
}
