package org.exfilguard.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.MergedLogs;
import picocli.CommandLine.Option;

/**
 * The inputs of the commands that read database and egress logs side by side (backtest, replay): the egress logs,
 * both formats and the reorder window. {@code --db-log} stays with each command, which says whether it is required.
 */
final class LogInputOptions {

    @Option(
            names = "--egress-log",
            arity = "1..*",
            paramLabel = "FILE",
            descriptionKey = "egress-log",
            description = "Egress log files.")
    List<Path> egressLogs = new ArrayList<>();

    @Option(
            names = "--db-format",
            paramLabel = "F",
            completionCandidates = FormatNames.Database.class,
            description = "${COMPLETION-CANDIDATES} (default: detected).")
    String dbFormat;

    @Option(
            names = "--egress-format",
            paramLabel = "F",
            completionCandidates = FormatNames.Egress.class,
            description = "${COMPLETION-CANDIDATES} (default: detected).")
    String egressFormat;

    @Option(
            names = "--reorder-window",
            paramLabel = "N",
            defaultValue = "10000",
            description =
                    "Events buffered per file to put nearly-ordered logs in event-time order (default: ${DEFAULT-VALUE}).")
    int reorderWindow;

    /**
     * {@code dbLogs} and the egress logs with their format options when given, then {@code detected} with the format
     * detected per file; every file must be readable.
     */
    List<MergedLogs.Input> inputs(List<Path> detected, List<Path> dbLogs) {
        Optional<LogFormat> dbF = format(dbFormat);
        Optional<LogFormat> egF = format(egressFormat);
        List<MergedLogs.Input> inputs = new ArrayList<>();
        dbLogs.forEach(f -> inputs.add(new MergedLogs.Input(f, dbF)));
        egressLogs.forEach(f -> inputs.add(new MergedLogs.Input(f, egF)));
        detected.forEach(f -> inputs.add(new MergedLogs.Input(f, Optional.empty())));
        for (MergedLogs.Input in : inputs) {
            if (!Files.isReadable(in.file()) || Files.isDirectory(in.file())) {
                // Refused up front, before a long run: a misspelt path is a usage error, not lost input.
                throw new IllegalArgumentException("cannot read " + in.file()
                        + (Files.isDirectory(in.file())
                                ? ": is a directory"
                                : Files.exists(in.file()) ? ": permission denied" : ": no such file"));
            }
        }
        return inputs;
    }

    private static Optional<LogFormat> format(String name) {
        if (name == null || name.equalsIgnoreCase("auto")) {
            return Optional.empty();
        }
        return Optional.of(
                LogFormat.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown format: " + name)));
    }
}
