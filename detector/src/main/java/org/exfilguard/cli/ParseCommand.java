package org.exfilguard.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.ingest.LogFileCursor;
import org.exfilguard.ingest.LogFileParser;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.ParseResult;
import org.exfilguard.ingest.ParseStats;
import org.exfilguard.ingest.ParserOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code parse FILE...}: log files to canonical events as JSON lines, with a summary on stderr. Every readable file
 * is parsed to its end whatever happens to the others; the exit status then says whether some input was lost.
 */
@Command(
        name = "parse",
        mixinStandardHelpOptions = true,
        resourceBundle = "org.exfilguard.cli.OptionTexts",
        description = "Parse log files (format given or detected; .gz read transparently; pipes and FIFOs work) into "
                + "canonical events as JSON lines.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {
            "0:every file was read (rejected entries are counted, not failures)",
            "1:some file could not be opened or read to its end (the others were still parsed), or output failed",
            "64:usage error",
            "65:no file was in a known log format"
        })
public final class ParseCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Log files to parse.")
    List<Path> files;

    @Option(
            names = "--format",
            paramLabel = "F",
            completionCandidates = FormatNames.Any.class,
            description = "${COMPLETION-CANDIDATES} (default: detect per file).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write events here instead of stdout.")
    Path out;

    @Mixin
    RejectOptions rejects = new RejectOptions();

    @Option(
            names = "--max-entry-chars",
            paramLabel = "N",
            description = "Reject a single entry longer than this (default: ${DEFAULT-VALUE}).")
    int maxEntryChars = ParserOptions.DEFAULT_MAX_ENTRY_CHARS;

    private final PrintStream stdout;
    private final PrintStream stderr;

    public ParseCommand() {
        this(System.out, System.err);
    }

    /** For tests: explicit streams. */
    public ParseCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() throws IOException {
        Optional<LogFormat> fmt = Optional.empty();
        if (format != null) {
            fmt = LogFormat.byName(format);
            if (fmt.isEmpty()) {
                stderr.println("unknown format: " + format);
                return ExitCodes.USAGE;
            }
        }
        ParserOptions options = ParserOptions.defaults().withMaxEntryChars(maxEntryChars);
        if (rejects.max < 0) {
            stderr.println("--max-rejects must not be negative");
            return ExitCodes.USAGE;
        }
        ParseStats stats;
        RejectWriter rejectsOut;
        try (Writer events = out == null
                        ? new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16)
                        : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                RejectWriter rw = rejects.open()) {
            rejectsOut = rw;
            stats = new LogFileParser(options).parse(files, fmt, r -> write(r, events, rw));
            events.flush();
        } catch (UncheckedIOException e) {
            stderr.println("write failed: " + e.getCause().getMessage());
            return 1;
        }
        stderr.print(stats.summary());
        String written = rejectsOut.summary();
        if (written != null) {
            stderr.println(written);
        }
        if (stats.unreadableFiles() > 0) {
            stderr.printf(
                    Locale.ROOT,
                    "%d of %d input files could not be read to their end (see above)%n",
                    stats.unreadableFiles(),
                    stats.files());
            return 1;
        }
        if (stats.unknownFormatFiles() == stats.files()) {
            stderr.println("no input file is in a known log format (name it with --format)");
            return ExitCodes.DATA;
        }
        return 0;
    }

    private void write(ParseResult r, Writer events, RejectWriter rejects) {
        try {
            if (r instanceof ParseResult.Event e) {
                events.write(JsonRecords.toJson(e.record()));
                events.write('\n');
            } else if (r instanceof ParseResult.Reject j) {
                rejects.write(j);
                if (j.reason().startsWith(LogFileCursor.CANNOT_READ)) {
                    // One line per unreadable file, as it happens: the file after it is parsed next.
                    stderr.println(RejectWriter.field(j.source()) + ": " + j.reason()
                            + (j.line() > 0 ? " (after line " + j.line() + ")" : ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
