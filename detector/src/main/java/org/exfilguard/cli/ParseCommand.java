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
import java.util.Optional;
import java.util.concurrent.Callable;

import org.exfilguard.ingest.EventJson;
import org.exfilguard.ingest.LogFileParser;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.ParseResult;
import org.exfilguard.ingest.ParseStats;
import org.exfilguard.ingest.ParserOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code parse FILE...}: log files to canonical events as JSON lines, with a summary on stderr. */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = "Parse log files (format given or detected; .gz read transparently) into canonical events as JSON lines.")
public final class ParseCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Log files to parse.")
    List<Path> files;

    @Option(names = "--format", paramLabel = "F",
            description = "mysql-slow, pgaudit, aurora-das, zeek-conn, vpc-flow or canonical (default: detect per file).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write events here instead of stdout.")
    Path out;

    @Option(names = "--rejects", paramLabel = "FILE", description = "Write rejects here (file, line, reason; tab separated).")
    Path rejects;

    @Option(names = "--max-entry-chars", paramLabel = "N",
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
                return 2;
            }
        }
        ParserOptions options = ParserOptions.defaults().withMaxEntryChars(maxEntryChars);
        try (Writer events = out == null
                ? new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16)
                : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             Writer rejectsOut = rejects == null ? Writer.nullWriter() : Files.newBufferedWriter(rejects, StandardCharsets.UTF_8)) {
            ParseStats stats = new LogFileParser(options).parse(files, fmt, r -> write(r, events, rejectsOut));
            events.flush();
            stderr.print(stats.summary());
            return 0;
        } catch (UncheckedIOException e) {
            stderr.println("write failed: " + e.getCause().getMessage());
            return 1;
        }
    }

    private static void write(ParseResult r, Writer events, Writer rejects) {
        try {
            if (r instanceof ParseResult.Event e) {
                EventJson.writeLine(e.record(), events);
            } else if (r instanceof ParseResult.Reject j) {
                rejects.write(j.source() + '\t' + j.line() + '\t' + j.reason() + '\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
