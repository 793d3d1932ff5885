package org.exfilguard.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates ../shared/samples (system property {@code exfilguard.shared.dir}); tests that need it skip when it is absent.
 * Parsing and the checks shared with the repository's own fixtures are in {@link LogSamples}.
 */
final class SharedSamples {

    private SharedSamples() {}

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
}
