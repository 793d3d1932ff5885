package org.exfilguard.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Opens log files as UTF-8 text (bad bytes replaced), gunzipping transparently when the file starts with gzip's magic bytes. */
public final class LogFiles {

    private LogFiles() {
    }

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
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    /** Up to {@code max} first lines, each cut at {@code maxChars}: what {@link FormatDetector} looks at. */
    public static List<String> head(Path file, int max, int maxChars) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BoundedLineReader r = new BoundedLineReader(open(file), maxChars)) {
            String line;
            while (lines.size() < max && (line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }
}
