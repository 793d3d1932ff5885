package org.exfilguard.ingest;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pulls parse results from one log file, one at a time: the pull-side twin of {@link LogFileParser}, for callers
 * that merge several files (a k-way merge must take from whichever file is behind). Counts results in a
 * {@link ParseStats} and the file bytes read (compressed bytes for a gzip file), for progress.
 *
 * <p>The file is opened once (so a pipe or FIFO reads like a file) and never throws for its content: a file that
 * cannot be opened yields one reject naming why, and a read that fails part-way (a truncated gzip) keeps the results
 * read before it, then yields one reject; {@link #unreadable()} then says so, for the caller's exit status.
 */
public final class LogFileCursor implements Closeable {

    /** Reason prefix of the reject for a file that could not be opened or read to its end. */
    public static final String CANNOT_READ = "cannot read";

    public static final String UNKNOWN_FORMAT = "unknown log format";

    private final String source;
    private final ParseStats stats = new ParseStats();
    private final AtomicLong bytesRead = new AtomicLong();
    private final ArrayDeque<ParseResult> pending = new ArrayDeque<>();
    private final BoundedLineReader lines;
    private final LogParser parser;
    private final LogFormat format;
    private final Path file;
    private long lineNo;
    private boolean finished;
    private String unreadable;

    private LogFileCursor(Path file, Optional<LogFormat> given, ParserOptions options) {
        this.file = file;
        this.source = file.toString();
        LogFiles.Opened opened = null;
        try {
            if (Files.isDirectory(file)) {
                throw new IOException("is a directory");
            }
            opened = LogFiles.open(counting(Files.newInputStream(file)), given);
        } catch (IOException e) {
            fail(0, LogFiles.describe(file, e));
        }
        this.format = opened == null ? null : opened.format().orElse(null);
        this.parser = format == null ? null : format.newParser(source, options);
        if (opened != null && format == null) {
            closeQuietly(opened);
            reject(new ParseResult.Reject(source, 0, UNKNOWN_FORMAT, ""));
        }
        this.lines = format == null ? null : new BoundedLineReader(opened.reader(), options.maxEntryChars());
        finished = format == null;
    }

    private InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
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
    }

    /** Opens {@code file} with {@code format}, or the detected format when empty; never fails for the file itself. */
    public static LogFileCursor open(Path file, Optional<LogFormat> format, ParserOptions options) throws IOException {
        return new LogFileCursor(file, format, options);
    }

    /** The next result, or null at the end of the file (or where it could no longer be read). */
    public ParseResult next() throws IOException {
        while (pending.isEmpty() && !finished) {
            String line;
            try {
                line = lines.readLine();
            } catch (IOException e) {
                // What was read stays read: flush the entry in progress, then say where and why reading stopped.
                parser.finish(this::record);
                finished = true;
                fail(lineNo, LogFiles.describe(file, e));
                break;
            }
            if (line == null) {
                parser.finish(this::record);
                finished = true;
            } else {
                lineNo++;
                parser.accept(line, this::record);
            }
        }
        return pending.poll();
    }

    private void record(ParseResult r) {
        stats.record(r);
        pending.add(r);
    }

    private void reject(ParseResult.Reject r) {
        record(r);
    }

    private void fail(long line, String why) {
        unreadable = why;
        reject(new ParseResult.Reject(source, line, CANNOT_READ + ": " + why, ""));
    }

    private static void closeQuietly(LogFiles.Opened opened) {
        try {
            opened.reader().close();
        } catch (IOException e) {
            // Nothing was read from it; the reject already says the format is unknown.
        }
    }

    public String source() {
        return source;
    }

    /** The format read, empty when it could not be detected (or the file not opened). */
    public Optional<LogFormat> format() {
        return Optional.ofNullable(format);
    }

    /** Why the file could not be opened or read to its end, or empty when it was read whole. */
    public Optional<String> unreadable() {
        return Optional.ofNullable(unreadable);
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
