package org.exfilguard.cli;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.exfilguard.ingest.ParseResult;

/**
 * The {@code --rejects} file: one tab-separated line per reject (source, line, reason), bounded so that hostile input
 * cannot fill the disk (an 11 MB gzip of {@code # Time:} lines once made 3.8 GB of rejects). Each field is cut at
 * {@link #MAX_FIELD_CHARS} with control characters replaced, and at most {@code max} lines are written; the rest are
 * counted, not written. Without a file it writes nothing and counts nothing.
 */
final class RejectWriter implements Closeable {

    static final long DEFAULT_MAX = 100_000;
    static final int MAX_FIELD_CHARS = 512;
    static final String MAX_OPTION_DESCRIPTION = "Write at most N rejects to the --rejects file; the rest are counted "
            + "and the count printed (default: ${DEFAULT-VALUE}).";

    private final Path file;
    private final Writer out;
    private final long max;
    private long written;
    private long notWritten;

    RejectWriter(Path file, long max) throws IOException {
        if (max < 0) {
            throw new IllegalArgumentException("--max-rejects must not be negative");
        }
        this.file = file;
        this.max = max;
        this.out = file == null
                ? Writer.nullWriter()
                : new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 16);
    }

    void write(ParseResult.Reject r) {
        if (file == null) {
            return;
        }
        if (written >= max) {
            notWritten++;
            return;
        }
        try {
            out.write(field(r.source()) + '\t' + r.line() + '\t' + field(r.reason()) + '\n');
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long written() {
        return written;
    }

    long notWritten() {
        return notWritten;
    }

    /** One line for the summary, or null when there is no rejects file. */
    String summary() {
        if (file == null) {
            return null;
        }
        return notWritten == 0
                ? String.format(Locale.ROOT, "rejects written to %s: %,d", file, written)
                : String.format(
                        Locale.ROOT,
                        "rejects written to %s: %,d; %,d more not written (--max-rejects %,d)",
                        file,
                        written,
                        notWritten,
                        max);
    }

    /** Cut at {@link #MAX_FIELD_CHARS}; tabs, line breaks and other control characters become {@code ?}. */
    static String field(String s) {
        if (s == null) {
            return "";
        }
        int n = Math.min(s.length(), MAX_FIELD_CHARS);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > MAX_FIELD_CHARS) {
            sb.append("...");
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
