package org.exfilguard.avro;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one reading loop of the JSON-lines files the tools exchange (alert files, truth files): UTF-8, one record a
 * line, blank lines skipped, each line handed over with its number so a caller can name where a bad one stands.
 */
public final class JsonLines {

    /** Takes one non-blank line; may reject the whole file by throwing. */
    @FunctionalInterface
    public interface LineHandler {
        /** @param number the line's 1-based number in the file, blank lines counted */
        void accept(int number, String line) throws IOException;
    }

    private JsonLines() {}

    public static void forEach(Path file, LineHandler each) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    each.accept(number, line);
                }
            }
        }
    }
}
