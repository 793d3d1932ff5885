package org.exfilguard.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/** Log inputs for the tests of reading files: generated slow-log entries, gzip, and named pipes fed from a thread. */
public final class TestLogs {

    private TestLogs() {}

    /** {@code n} slow-log entries by {@code account}, each returning 10 rows, about 200 bytes each. */
    public static String slowLog(int n, String account) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("# Time: 2024-03-05T10:")
                    .append(String.format(Locale.ROOT, "%02d:%02d", (i / 60) % 60, i % 60))
                    .append("Z\n")
                    .append("# User@Host: ")
                    .append(account)
                    .append('[')
                    .append(account)
                    .append("] @ web1 [10.0.0.7]  Id: ")
                    .append(i)
                    .append('\n')
                    .append("# Query_time: 1  Lock_time: 0  Rows_sent: 10  Rows_examined: 10\n")
                    .append("SELECT * FROM coop.members WHERE id = ")
                    .append(i)
                    .append(";\n");
        }
        return sb.toString();
    }

    public static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** A named pipe at {@code path}, or the test is skipped where mkfifo is missing. */
    public static Path fifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString())
                .redirectErrorStream(true)
                .start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo not available");
        return path;
    }

    /** Writes {@code bytes} into the FIFO from another thread (opening a FIFO blocks until both ends are open). */
    public static Thread writeInto(Path fifo, byte[] bytes) {
        Thread t = new Thread(
                () -> {
                    try (OutputStream out = Files.newOutputStream(fifo)) {
                        out.write(bytes);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                "fifo-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
