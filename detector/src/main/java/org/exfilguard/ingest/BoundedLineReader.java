package org.exfilguard.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines ({@code \n}, {@code \r\n}) without ever holding more than {@code maxChars + 1} characters of one line:
 * a longer line comes back cut at {@code maxChars + 1} (so the parser sees it is too long and rejects it) and the
 * rest of it is discarded. {@link java.io.BufferedReader#readLine()} would buffer a gigabyte line whole.
 */
public final class BoundedLineReader implements Closeable {

    private final Reader in;
    private final int maxChars;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int limit;
    private final StringBuilder line = new StringBuilder(256);

    public BoundedLineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line without its terminator, or null at end of input. */
    public String readLine() throws IOException {
        line.setLength(0);
        boolean any = false;
        while (true) {
            if (pos >= limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? finishLine() : null;
                }
            }
            any = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            int room = maxChars + 1 - line.length();
            if (room > 0) {
                line.append(buf, start, Math.min(pos - start, room));
            }
            if (pos < limit) {
                pos++; // the newline
                return finishLine();
            }
        }
    }

    private String finishLine() {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            line.setLength(n - 1);
        }
        String s = line.toString();
        if (line.capacity() > 1 << 20) {
            line.setLength(0);
            line.trimToSize();
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
