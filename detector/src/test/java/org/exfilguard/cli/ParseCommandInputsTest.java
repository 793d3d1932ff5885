package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exfilguard.testkit.TestLogs.fifo;
import static org.exfilguard.testkit.TestLogs.gzip;
import static org.exfilguard.testkit.TestLogs.slowLog;
import static org.exfilguard.testkit.TestLogs.writeInto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.exfilguard.ingest.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code parse} over inputs that are not plain, whole, known files: what it writes and how it exits. */
class ParseCommandInputsTest {

    @TempDir
    Path dir;

    private record Run(int exit, String stderr, Path events, Path rejects) {
        List<String> eventLines() throws IOException {
            return Files.readAllLines(events);
        }
    }

    private Run parse(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path events = dir.resolve("events.jsonl");
        Path rejects = dir.resolve("rejects.tsv");
        String[] all = Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--out";
        all[args.length + 1] = events.toString();
        all[args.length + 2] = "--rejects";
        all[args.length + 3] = rejects.toString();
        int rc = new CommandLine(new ParseCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(all);
        return new Run(rc, err.toString(StandardCharsets.UTF_8), events, rejects);
    }

    private static void assertNoStackTrace(String stderr) {
        assertThat(stderr).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void truncatedGzipIsReportedInOneLineAndTheNextFileIsStillParsed() throws IOException {
        byte[] whole = gzip(slowLog(20_000, "first"));
        Path cut = dir.resolve("first.log.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 6 / 10));
        Path next = dir.resolve("second.log");
        Files.writeString(next, slowLog(5, "second"));

        Run run = parse(cut.toString(), next.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertNoStackTrace(run.stderr());
        assertThat(run.stderr().lines().filter(l -> l.startsWith(cut.toString())))
                .singleElement()
                .asString()
                .matches(
                        ".*: cannot read: unexpected end of compressed data \\(truncated gzip\\?\\) \\(after line \\d+\\)");
        assertThat(run.stderr()).contains("1 of 2 input files could not be read to their end");
        List<String> events = run.eventLines();
        assertThat(events.stream().filter(l -> l.contains("\"account\":\"second\"")))
                .hasSize(5);
        assertThat(events.stream()
                        .filter(l -> l.contains("\"account\":\"first\""))
                        .count())
                .isGreaterThan(5_000);
    }

    @Test
    void directoryAndMissingPathAreNamedWithoutAStackTraceAndTheRestIsParsed() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("logs"));
        Path good = dir.resolve("good.log");
        Files.writeString(good, slowLog(3, "app"));
        Run run = parse(sub.toString(), dir.resolve("missing.log").toString(), good.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertNoStackTrace(run.stderr());
        assertThat(run.stderr())
                .contains(sub + ": cannot read: is a directory\n", "missing.log: cannot read: no such file\n");
        assertThat(run.eventLines()).hasSize(3);
    }

    @Test
    void everyInputOfUnknownFormatExitsNonZeroWithOneLine() throws IOException {
        Path a = dir.resolve("a.txt");
        Path b = dir.resolve("b.txt");
        Files.writeString(a, "hello\nworld\n");
        Files.writeString(b, "nothing to see\n");
        Run run = parse(a.toString(), b.toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.DATA);
        assertThat(run.stderr()).contains("no input file is in a known log format (name it with --format)\n");
        // One known file among unknown ones is a normal run: the unknown ones are counted as rejects.
        Path good = dir.resolve("good.log");
        Files.writeString(good, slowLog(1, "app"));
        assertThat(parse(a.toString(), good.toString()).exit()).isZero();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoParsesLikeAFile() throws Exception {
        Path fifo = fifo(dir.resolve("slow.fifo"));
        writeInto(fifo, slowLog(3_000, "app").getBytes(StandardCharsets.UTF_8));
        Run run = parse(fifo.toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.eventLines()).hasSize(3_000);
        assertThat(run.stderr()).contains("entries: 3000\nrejects: 0\n");
    }

    @Test
    void rejectsFileIsBoundedAndTheRestCounted() throws IOException {
        // The shape that once wrote 3.8 GB: a gzip of nothing but malformed "# Time:" lines.
        Path noise = dir.resolve("noise.log.gz");
        Files.write(noise, gzip("# Time: 2024-03-05T10:15:30Z\n# Time: not a time\n".repeat(25_000)));
        Run run = parse(noise.toString(), "--format", "mysql-slow", "--max-rejects", "1000");
        assertThat(Files.readAllLines(run.rejects())).hasSize(1_000);
        assertThat(run.stderr())
                .contains("rejects: 25001\n")
                .contains("rejects written to " + run.rejects()
                        + ": 1,000; 24,001 more not written (--max-rejects 1,000)");
        assertThat(run.exit()).isZero();
    }

    @Test
    void eachRejectLineIsCutAndKeptOnOneLine() throws IOException {
        Path file = dir.resolve("r.tsv");
        try (RejectWriter w = new RejectWriter(file, 10)) {
            w.write(new ParseResult.Reject(
                    "a\tfile\nname" + "x".repeat(5_000), 7, "reason\rwith\u001b[31mcontrols", ""));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).singleElement().satisfies(l -> {
            String[] f = l.split("\t");
            assertThat(f).hasSize(3);
            assertThat(f[0])
                    .startsWith("a?file?name")
                    .hasSize(RejectWriter.MAX_FIELD_CHARS + 3)
                    .endsWith("...");
            assertThat(f[1]).isEqualTo("7");
            assertThat(f[2]).isEqualTo("reason?with?[31mcontrols");
        });
    }
}
