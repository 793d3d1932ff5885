package org.exfilguard.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Parses whole files, streaming, with a given or detected format, feeding every result to a consumer and counting
 * them in a {@link ParseStats}. A file whose format cannot be detected yields one reject for the file.
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
    public ParseStats parse(List<Path> files, Optional<LogFormat> format, Consumer<ParseResult> out) throws IOException {
        ParseStats total = new ParseStats();
        for (Path f : files) {
            total.add(parse(f, format, out));
        }
        return total;
    }

    public ParseStats parse(Path file, Optional<LogFormat> format, Consumer<ParseResult> out) throws IOException {
        Optional<LogFormat> f = format.isPresent() ? format : FormatDetector.detect(file);
        String source = file.toString();
        if (f.isEmpty()) {
            ParseStats stats = new ParseStats();
            ParseResult r = new ParseResult.Reject(source, 0, "unknown log format", "");
            stats.record(r);
            out.accept(r);
            return stats;
        }
        try (Reader reader = LogFiles.open(file)) {
            return parse(reader, f.get().newParser(source, options), out);
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
