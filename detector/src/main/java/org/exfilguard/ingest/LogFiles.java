package org.exfilguard.ingest;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens log files as UTF-8 text (bad bytes replaced), gunzipping transparently when the file starts with gzip's magic
 * bytes. A file is opened once: its format is detected from a buffered head of the same stream, so pipes
 * ({@code <(zcat x.gz)}) and FIFOs read like files.
 */
public final class LogFiles {

    /**
     * Most characters buffered for format detection. Detection needs the first lines, not the whole of a long first
     * line, and everything buffered is handed back to the parser, so this bounds the memory of a file being opened.
     */
    public static final int HEAD_CHARS = 1 << 20;
    /** A line of the head is cut at this length before {@link FormatDetector} looks at it. */
    static final int HEAD_LINE_CHARS = 64 * 1024;

    private LogFiles() {}

    /** A log opened once: its format (given, or detected from its head; empty when unknown) and its text from the start. */
    public record Opened(Reader reader, Optional<LogFormat> format) {}

    public static Reader open(Path file) throws IOException {
        return new InputStreamReader(openStream(file), StandardCharsets.UTF_8);
    }

    public static InputStream openStream(Path file) throws IOException {
        return openStream(Files.newInputStream(file));
    }

    /**
     * As {@link #openStream(Path)} over an already open stream of the file's bytes (a caller that counts the bytes
     * read, for progress, wraps the file's stream first).
     */
    public static InputStream openStream(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(
                new FilterInputStream(raw) {
                    @Override
                    public int available() {
                        // A file channel's stream answers available() from size and position, and a pipe or FIFO has no
                        // position ("Illegal seek"); the decoder and the gunzipper only use it as a hint.
                        try {
                            return super.available();
                        } catch (IOException e) {
                            return 0;
                        }
                    }
                },
                1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    /**
     * Opens {@code raw} (gunzipping when it is gzip) and, when {@code format} is empty, detects the format from up to
     * {@link FormatDetector#HEAD_LINES} first lines (at most {@link #HEAD_CHARS} characters), which are then handed
     * back: the returned reader starts at the first character. {@code raw} is read once and never reopened.
     */
    public static Opened open(InputStream raw, Optional<LogFormat> format) throws IOException {
        try {
            return openOnce(raw, format);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static Opened openOnce(InputStream raw, Optional<LogFormat> format) throws IOException {
        Reader decoded = new InputStreamReader(openStream(raw), StandardCharsets.UTF_8);
        if (format.isPresent()) {
            return new Opened(decoded, format);
        }
        char[] head = new char[HEAD_CHARS];
        int n = 0;
        int newlines = 0;
        IOException failed = null;
        while (n < head.length && newlines < FormatDetector.HEAD_LINES) {
            int r;
            try {
                r = decoded.read(head, n, Math.min(head.length - n, 8192));
            } catch (IOException e) {
                // Small reads above: the characters decoded by a read that fails are lost with it.
                if (n == 0) {
                    throw e;
                }
                // A short truncated gzip: what came before the failure is parsed, then the failure is reported.
                failed = e;
                break;
            }
            if (r < 0) {
                break;
            }
            for (int i = n; i < n + r; i++) {
                if (head[i] == '\n') {
                    newlines++;
                }
            }
            n += r;
        }
        Optional<LogFormat> detected = FormatDetector.detect(lines(head, n));
        return new Opened(
                new HeadThenRest(Arrays.copyOf(head, n), failed == null ? decoded : failing(decoded, failed)),
                detected);
    }

    /** The head read for detection, then the rest of the stream; the head's memory is let go once it is read. */
    private static final class HeadThenRest extends Reader {
        private char[] head;
        private int pos;
        private final Reader rest;

        HeadThenRest(char[] head, Reader rest) {
            this.head = head;
            this.rest = rest;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            if (head != null) {
                if (len == 0) {
                    return 0;
                }
                int n = Math.min(len, head.length - pos);
                if (n > 0) {
                    System.arraycopy(head, pos, cbuf, off, n);
                    pos += n;
                    return n;
                }
                head = null;
            }
            return rest.read(cbuf, off, len);
        }

        @Override
        public void close() throws IOException {
            head = null;
            rest.close();
        }
    }

    /** A reader that throws {@code failure} on every read: the rest of a stream that failed while its head was read. */
    private static Reader failing(Reader closeable, IOException failure) {
        return new Reader() {
            @Override
            public int read(char[] cbuf, int off, int len) throws IOException {
                throw failure;
            }

            @Override
            public void close() throws IOException {
                closeable.close();
            }
        };
    }

    /** The first lines of {@code head[0..n)}, each cut at {@link #HEAD_LINE_CHARS}. */
    private static List<String> lines(char[] head, int n) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < n && lines.size() < FormatDetector.HEAD_LINES) {
            int end = start;
            while (end < n && head[end] != '\n') {
                end++;
            }
            int stop = end > start && head[end - 1] == '\r' ? end - 1 : end;
            lines.add(new String(head, start, Math.min(stop - start, HEAD_LINE_CHARS)));
            start = end + 1;
        }
        return lines;
    }

    /** Why {@code file} could not be read, in a few words for a one-line message. */
    static String describe(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (file != null && Files.isDirectory(file)) {
            return "is a directory";
        }
        if (e instanceof EOFException) {
            return "unexpected end of compressed data (truncated gzip?)";
        }
        if (e instanceof ZipException) {
            return "corrupt gzip data (" + oneLine(e.getMessage()) + ")";
        }
        String m = oneLine(e.getMessage());
        return m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 200 ? t.substring(0, 200) : t;
    }
}
