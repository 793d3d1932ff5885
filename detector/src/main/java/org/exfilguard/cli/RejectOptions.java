package org.exfilguard.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --rejects} and {@code --max-rejects}, for every command that reads log files. */
final class RejectOptions {

    @Option(
            names = "--rejects",
            paramLabel = "FILE",
            descriptionKey = "rejects",
            description = "Write rejected entries here (file, line, reason; tab separated).")
    Path file;

    @Option(
            names = "--max-rejects",
            paramLabel = "N",
            defaultValue = "" + RejectWriter.DEFAULT_MAX,
            description = RejectWriter.MAX_OPTION_DESCRIPTION)
    long max;

    RejectWriter open() throws IOException {
        return new RejectWriter(file, max);
    }
}
