package org.exfilguard.topology;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.ParserOptions;

/**
 * How the normaliser reads the raw topics: a fixed format per topic, or empty to detect it from each record's
 * content, and the parser limits.
 */
public record NormaliserSettings(
        Optional<LogFormat> dbFormat, Optional<LogFormat> egressFormat, ParserOptions options) {

    /** The value that means "detect from content". */
    public static final String AUTO = "auto";

    /** Every accepted value of a format setting: {@value #AUTO} and the format ids. */
    public static String[] formatChoices() {
        return Stream.concat(Stream.of(AUTO), Arrays.stream(LogFormat.values()).map(LogFormat::id))
                .toArray(String[]::new);
    }

    public static NormaliserSettings of(String dbFormat, String egressFormat) {
        return new NormaliserSettings(format(dbFormat), format(egressFormat), ParserOptions.defaults());
    }

    public static NormaliserSettings detect() {
        return new NormaliserSettings(Optional.empty(), Optional.empty(), ParserOptions.defaults());
    }

    private static Optional<LogFormat> format(String name) {
        if (name == null || name.isBlank() || name.trim().equalsIgnoreCase(AUTO)) {
            return Optional.empty();
        }
        return Optional.of(
                LogFormat.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown log format: " + name)));
    }
}
