package org.exfilguard.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the files a command will write before it starts: a backtest that runs for half an hour must not find out
 * at its end that {@code --alerts-out} names a directory that does not exist.
 */
final class OutputPaths {

    private OutputPaths() {}

    /** The first problem with the given option-to-file pairs (null files are skipped), as one line. */
    static Optional<String> check(Map<String, Path> outputs) {
        for (Map.Entry<String, Path> e : outputs.entrySet()) {
            Path file = e.getValue();
            if (file == null) {
                continue;
            }
            Path parent = file.toAbsolutePath().getParent();
            String problem = Files.isDirectory(file)
                    ? "it is a directory"
                    : parent == null || !Files.isDirectory(parent)
                            ? "directory " + parent + " does not exist"
                            : !Files.isWritable(parent)
                                    ? "directory " + parent + " is not writable"
                                    : Files.exists(file) && !Files.isWritable(file) ? "the file is not writable" : null;
            if (problem != null) {
                return Optional.of("cannot write " + e.getKey() + " " + file + ": " + problem);
            }
        }
        return Optional.empty();
    }
}
