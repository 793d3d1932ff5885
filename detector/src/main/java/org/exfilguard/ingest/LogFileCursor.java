package org.exfilguard.ingest;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pulls parse results from one log file, one at a time: the pull-side twin of {@link LogFileParser}, for callers
 * that merge several files (a k-way merge must take from whichever file is behind). Counts results in a
 * {@link ParseStats} and the file bytes read (compressed bytes for a gzip file), for progress.
 */
public final class LogFileCursor implements Closeable {

    private final String source;
    private final ParseStats stats = new ParseStats();
    private final AtomicLong bytesRead = new AtomicLong();
    private final ArrayDeque<ParseResult> pending = new ArrayDeque<>();
    private final BoundedLineReader lines;
    private final LogParser parser;
    private final LogFormat format;
    private boolean finished;

    private LogFileCursor(Path file, LogFormat format, ParserOptions options) throws IOException {
        this.source = file.toString();
        this.format = format;
        this.parser = format == null ? null : format.newParser(source, options);
        if (format == null) {
            lines = null;
            finished = true;
            ParseResult reject = new ParseResult.Reject(source, 0, "unknown log format", "");
            stats.record(reject);
            pending.add(reject);
        } else {
            InputStream counted = new FilterInputStream(Files.newInputStream(file)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        bytesRead.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        bytesRead.addAndGet(n);
                    }
                    return n;
                }
            };
            lines = new BoundedLineReader(new InputStreamReader(LogFiles.openStream(counted), StandardCharsets.UTF_8),
                    options.maxEntryChars());
        }
    }

    /** Opens {@code file} with {@code format}, or the detected format when empty; an undetectable file yields one reject. */
    public static LogFileCursor open(Path file, Optional<LogFormat> format, ParserOptions options) throws IOException {
        Optional<LogFormat> f = format.isPresent() ? format : FormatDetector.detect(file);
        return new LogFileCursor(file, f.orElse(null), options);
    }

    /** The next result, or null at the end of the file. */
    public ParseResult next() throws IOException {
        while (pending.isEmpty() && !finished) {
            String line = lines.readLine();
            if (line == null) {
                parser.finish(pending::add);
                finished = true;
            } else {
                parser.accept(line, pending::add);
            }
        }
        ParseResult r = pending.poll();
        if (r != null && format != null) {
            stats.record(r);
        }
        return r;
    }

    public String source() {
        return source;
    }

    /** The format read, empty when it could not be detected. */
    public Optional<LogFormat> format() {
        return Optional.ofNullable(format);
    }

    public ParseStats stats() {
        return stats;
    }

    /** File bytes consumed so far; safe to read from another thread. */
    public long bytesRead() {
        return bytesRead.get();
    }

    @Override
    public void close() throws IOException {
        if (lines != null) {
            lines.close();
        }
    }
}
