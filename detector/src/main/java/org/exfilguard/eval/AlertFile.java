package org.exfilguard.eval;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.avro.JsonLines;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * A file of alert JSON lines as the detector writes them ({@link JsonRecords}), and the lines that could not be
 * read, each with its reason.
 */
public record AlertFile(List<ExfiltrationAlert> alerts, List<String> rejects) {

    /** Reads every line it can; unreadable lines are returned as rejects, never thrown. */
    public static AlertFile read(Path file) throws IOException {
        List<ExfiltrationAlert> alerts = new ArrayList<>();
        List<String> rejects = new ArrayList<>();
        JsonLines.forEach(file, (no, line) -> {
            try {
                alerts.add(JsonRecords.fromJson(line, ExfiltrationAlert.class));
            } catch (IllegalArgumentException ex) {
                rejects.add(file.getFileName() + ":" + no + ": " + ex.getMessage());
            }
        });
        return new AlertFile(List.copyOf(alerts), List.copyOf(rejects));
    }

    public static void write(Writer out, List<ExfiltrationAlert> alerts) throws IOException {
        for (ExfiltrationAlert a : alerts) {
            out.write(JsonRecords.toJson(a));
            out.write('\n');
        }
    }
}
