package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exfilguard.testkit.TestLogs.fifo;
import static org.exfilguard.testkit.TestLogs.gzip;
import static org.exfilguard.testkit.TestLogs.slowLog;
import static org.exfilguard.testkit.TestLogs.writeInto;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that are not plain regular files: FIFOs, pipes, truncated gzip, directories, missing paths. */
class UnreadableAndPipedInputTest {

    @TempDir
    Path dir;

    private static List<DbAccessEvent> events(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Event)
                .map(r -> (DbAccessEvent) ((ParseResult.Event) r).record())
                .toList();
    }

    private static List<ParseResult.Reject> rejects(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Reject)
                .map(r -> (ParseResult.Reject) r)
                .toList();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fifoIsOpenedOnceAndReadWholeWithItsFormatDetected() throws Exception {
        // 3,000 entries, about 600 KB: more than any read-ahead, so a second open would find the start gone.
        Path fifo = fifo(dir.resolve("slow.fifo"));
        writeInto(fifo, gzip(slowLog(3_000, "app")));
        List<ParseResult> rs = new ArrayList<>();
        ParseStats stats = new LogFileParser().parse(List.of(fifo), Optional.empty(), rs::add);
        assertThat(rejects(rs)).isEmpty();
        assertThat(stats.events()).isEqualTo(3_000);
        assertThat(stats.rowsReturned()).isEqualTo(30_000);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fifoFeedsTheMergeAsBacktestReadsIt() throws Exception {
        Path fifo = fifo(dir.resolve("db.fifo"));
        writeInto(fifo, slowLog(2_000, "app").getBytes(StandardCharsets.UTF_8));
        List<ParseResult.Reject> rejects = new ArrayList<>();
        long n = 0;
        try (MergedLogs logs = new MergedLogs(
                List.of(new MergedLogs.Input(fifo, Optional.empty())), ParserOptions.defaults(), 100, rejects::add)) {
            while (logs.next() != null) {
                n++;
            }
            assertThat(logs.counts().get(0).format()).isEqualTo("mysql-slow");
        }
        assertThat(rejects).isEmpty();
        assertThat(n).isEqualTo(2_000);
    }

    @Test
    void aOneShotStreamIsDetectedFromItsHeadAndParsedFromItsFirstByte() throws Exception {
        // A pipe cannot be rewound or reopened: the head read for detection must be handed back to the parser.
        byte[] log = gzip(slowLog(2_000, "app"));
        PipedInputStream in = new PipedInputStream(4096);
        PipedOutputStream feed = new PipedOutputStream(in);
        Thread writer = new Thread(() -> {
            try (feed) {
                feed.write(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        LogFiles.Opened opened = LogFiles.open(in, Optional.empty());
        assertThat(opened.format()).contains(LogFormat.MYSQL_SLOW);
        List<ParseResult> rs = new ArrayList<>();
        try (var reader = opened.reader()) {
            new LogFileParser()
                    .parse(reader, LogFormat.MYSQL_SLOW.newParser("pipe", ParserOptions.defaults()), rs::add);
        }
        writer.join();
        List<DbAccessEvent> ev = events(rs);
        assertThat(ev).hasSize(2_000);
        assertThat(ev.get(0).getSessionId()).isEqualTo("0");
        assertThat(ev.get(1_999).getSessionId()).isEqualTo("1999");
    }

    @Test
    void truncatedGzipKeepsWhatWasReadRejectsOnceAndTheNextFileIsParsed() throws IOException {
        // 5,000 entries, 1 MB of text: the failure comes while the head is read for detection.
        byte[] whole = gzip(slowLog(5_000, "first"));
        Path cut = dir.resolve("first.log.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 6 / 10));
        Path next = dir.resolve("second.log");
        Files.writeString(next, slowLog(7, "second"));
        List<ParseResult> rs = new ArrayList<>();
        ParseStats stats = new LogFileParser().parse(List.of(cut, next), Optional.empty(), rs::add);

        long first =
                events(rs).stream().filter(e -> e.getAccount().equals("first")).count();
        long second =
                events(rs).stream().filter(e -> e.getAccount().equals("second")).count();
        assertThat(first).isBetween(1_000L, 4_999L);
        assertThat(second).isEqualTo(7);
        assertThat(rejects(rs)).hasSizeLessThanOrEqualTo(2).last().satisfies(r -> {
            assertThat(r.source()).isEqualTo(cut.toString());
            assertThat(r.reason()).isEqualTo("cannot read: unexpected end of compressed data (truncated gzip?)");
            assertThat(r.line()).isPositive();
        });
        assertThat(stats.files()).isEqualTo(2);
        assertThat(stats.unreadableFiles()).isEqualTo(1);
    }

    @Test
    void truncatedGzipInTheMergeDoesNotStopTheOtherInputs() throws IOException {
        // 20,000 entries, 4 MB of text: the failure comes after the head read for detection, in the parse.
        byte[] whole = gzip(slowLog(20_000, "first"));
        Path cut = dir.resolve("first.log.gz");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 6 / 10));
        Path next = dir.resolve("second.log");
        Files.writeString(next, slowLog(7, "second"));
        List<ParseResult.Reject> rejects = new ArrayList<>();
        long n = 0;
        List<MergedLogs.InputCounts> counts;
        try (MergedLogs logs = new MergedLogs(
                List.of(new MergedLogs.Input(cut, Optional.empty()), new MergedLogs.Input(next, Optional.empty())),
                ParserOptions.defaults(),
                10,
                rejects::add)) {
            while (logs.next() != null) {
                n++;
            }
            counts = logs.counts();
        }
        assertThat(counts.get(0).unreadable()).contains("unexpected end of compressed data (truncated gzip?)");
        assertThat(counts.get(0).events()).isBetween(5_000L, 19_999L);
        assertThat(counts.get(1).unreadable()).isEmpty();
        assertThat(counts.get(1).events()).isEqualTo(7);
        assertThat(n).isEqualTo(counts.get(0).events() + 7);
        // The entry the truncation cut in half may be rejected as such; then the file is reported once.
        assertThat(rejects)
                .extracting(ParseResult.Reject::reason)
                .last()
                .isEqualTo("cannot read: unexpected end of compressed data (truncated gzip?)");
        assertThat(rejects).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void directoryAndMissingPathAreOneRejectEachAndDoNotStopTheRest() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("logs"));
        Path missing = dir.resolve("no-such.log");
        Path good = dir.resolve("good.log");
        Files.writeString(good, slowLog(3, "app"));
        List<ParseResult> rs = new ArrayList<>();
        ParseStats stats = new LogFileParser().parse(List.of(sub, missing, good), Optional.empty(), rs::add);
        assertThat(rejects(rs))
                .extracting(ParseResult.Reject::source, ParseResult.Reject::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(sub.toString(), "cannot read: is a directory"),
                        org.assertj.core.groups.Tuple.tuple(missing.toString(), "cannot read: no such file"));
        assertThat(events(rs)).hasSize(3);
        assertThat(stats.unreadableFiles()).isEqualTo(2);
        assertThat(stats.unknownFormatFiles()).isZero();
    }

    @Test
    void rowAndByteTotalsSaturateInsteadOfTurningNegative() {
        ParseStats stats = new ParseStats();
        String max = Long.toString(Long.MAX_VALUE);
        // The slow-log parser takes up to 18 digits: ten such counts overflow a long.
        String log = slowLog(10, "app").replace("Rows_sent: 10", "Rows_sent: 999999999999999999");
        LogParser p = LogFormat.MYSQL_SLOW.newParser("s", ParserOptions.defaults());
        p.parseRecord(log).forEach(stats::record);
        LogParser vpc = LogFormat.VPC_FLOW.newParser("v", ParserOptions.defaults());
        for (int i = 0; i < 2; i++) {
            vpc.parseRecord("2 1 eni-1 10.0.0.7 203.0.113.5 1 443 6 1 " + max + " 1709633730 1709633790 ACCEPT OK")
                    .forEach(stats::record);
        }
        assertThat(stats.rejects()).as(stats.rejectsByReason().toString()).isZero();
        assertThat(stats.events()).isEqualTo(12);
        assertThat(stats.rowsReturned()).isEqualTo(Long.MAX_VALUE);
        assertThat(stats.bytesOut()).isEqualTo(Long.MAX_VALUE);
        ParseStats sum = new ParseStats();
        sum.add(stats);
        sum.add(stats);
        assertThat(sum.rowsReturned()).isEqualTo(Long.MAX_VALUE);
        assertThat(sum.summary())
                .contains("rows returned: 9223372036854775807 or more", "bytes out: 9223372036854775807 or more")
                .doesNotContain("rows returned: -", "bytes out: -");
    }
}
