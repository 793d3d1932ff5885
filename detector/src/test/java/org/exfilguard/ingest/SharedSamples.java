package org.exfilguard.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Locates ../shared/samples (system property {@code exfilguard.shared.dir}) and parses files from it in place. */
final class SharedSamples {

    private SharedSamples() {
    }

    /** The samples directory; the calling test is skipped when it is absent. */
    static Path dir() {
        String prop = System.getProperty("exfilguard.shared.dir");
        Path shared = prop != null ? Path.of(prop) : Path.of("..", "..", "shared");
        Path samples = shared.resolve("samples").normalize();
        assumeTrue(Files.isDirectory(samples), "shared samples not found at " + samples + ": skipping");
        return samples;
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }

    static List<Path> files(String folder) {
        try (Stream<Path> s = Files.list(dir().resolve(folder))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything a parse of one file produced. */
    record Parsed(List<ParseResult> results, ParseStats stats) {
        <T> List<T> events(Class<T> type) {
            return results.stream().filter(r -> r instanceof ParseResult.Event)
                    .map(r -> ((ParseResult.Event) r).record()).filter(type::isInstance).map(type::cast).toList();
        }

        List<ParseResult.Reject> rejects() {
            return results.stream().filter(r -> r instanceof ParseResult.Reject).map(r -> (ParseResult.Reject) r).toList();
        }
    }

    static Parsed parse(Path file, Optional<LogFormat> format) {
        List<ParseResult> results = new ArrayList<>();
        try {
            ParseStats stats = new LogFileParser().parse(file, format, results::add);
            return new Parsed(results, stats);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Parsed parse(Path file) {
        return parse(file, Optional.empty());
    }
}
