package org.exfilguard.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Parses whole files, streaming, with a given or detected format, feeding every result to a consumer and counting
 * them in a {@link ParseStats}. A file whose format cannot be detected, or that cannot be read, yields one reject
 * for the file, and the files after it are still parsed.
 */
public final class LogFileParser {

    private final ParserOptions options;

    public LogFileParser(ParserOptions options) {
        this.options = options;
    }

    public LogFileParser() {
        this(ParserOptions.defaults());
    }

    /** Parses {@code files} in order, each with {@code format} or, when empty, its detected format. */
    public ParseStats parse(List<Path> files, Optional<LogFormat> format, Consumer<ParseResult> out)
            throws IOException {
        ParseStats total = new ParseStats();
        for (Path f : files) {
            total.add(parse(f, format, out));
        }
        return total;
    }

    /**
     * Parses one file, opened once (a pipe or FIFO works), with {@code format} or its detected format. Never fails
     * for the file's content or readability: an unreadable, unknown or truncated file ends in a reject (see
     * {@link LogFileCursor}), and the stats count it as such.
     */
    public ParseStats parse(Path file, Optional<LogFormat> format, Consumer<ParseResult> out) throws IOException {
        try (LogFileCursor cursor = LogFileCursor.open(file, format, options)) {
            ParseResult r;
            while ((r = cursor.next()) != null) {
                out.accept(r);
            }
            ParseStats stats = cursor.stats();
            stats.input(cursor.format().isPresent(), cursor.unreadable().isEmpty());
            return stats;
        }
    }

    /** Feeds every line of {@code reader} to {@code parser}, then finishes it. */
    public ParseStats parse(Reader reader, LogParser parser, Consumer<ParseResult> out) throws IOException {
        ParseStats stats = new ParseStats();
        Consumer<ParseResult> both = r -> {
            stats.record(r);
            out.accept(r);
        };
        BoundedLineReader lines = new BoundedLineReader(reader, options.maxEntryChars());
        String line;
        while ((line = lines.readLine()) != null) {
            parser.accept(line, both);
        }
        parser.finish(both);
        return stats;
    }
}
