package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.cli.ParseCommand;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CanonicalAndDetectionTest {

    @TempDir
    Path tmp;

    private static final DbAccessEvent DB = DbAccessEvent.newBuilder()
            .setEventTime(Instant.parse("2025-05-02T03:14:07.123Z"))
            .setAccount("mallory")
            .setClientIp("10.2.3.4")
            .setDatabase("coop")
            .setTables(List.of("coop.members"))
            .setOperation(Operation.COPY_OUT)
            .setRowsReturned(250_000)
            .setRowsExamined(250_000L)
            .setStatementFingerprint("copy members to stdout")
            .setSourceFormat("pgaudit")
            .build();

    @Test
    void canonicalJsonRoundTripsEventJson() {
        EgressEvent eg = EgressEvent.newBuilder()
                .setEventTime(Instant.parse("2025-05-02T03:20:00Z"))
                .setSrcIp("10.2.3.4")
                .setDstIp("203.0.113.9")
                .setDstPort(443)
                .setProtocol("tcp")
                .setBytesOut(9_000_000)
                .setSourceFormat("zeek-conn")
                .build();
        CanonicalJsonParser p = new CanonicalJsonParser("c", ParserOptions.defaults());
        List<ParseResult> rs = p.parseRecord(JsonRecords.toJson(DB) + "\n" + JsonRecords.toJson(eg));
        assertThat(rs).containsExactly(new ParseResult.Event(DB), new ParseResult.Event(eg));
        assertThat(JsonRecords.toJson(DB)).contains("\"event_time\":\"2025-05-02T03:14:07.123Z\"");
    }

    @Test
    void canonicalRejectsMissingAccountAndRefingerprints() {
        CanonicalJsonParser p = new CanonicalJsonParser("c", ParserOptions.defaults());
        assertThat(p.parseRecord("{\"event_time\":\"2025-01-01T00:00:00Z\"}"))
                .singleElement()
                .isInstanceOfSatisfying(
                        ParseResult.Reject.class, r -> assertThat(r.reason()).isEqualTo("missing account"));
        ParseResult r = p.parseRecord(
                        "{\"event_time\":1,\"account\":\"a\",\"statement_fingerprint\":\"select * from m where e='ann@example.com'\"}")
                .get(0);
        assertThat(((DbAccessEvent) ((ParseResult.Event) r).record()).getStatementFingerprint())
                .isEqualTo("select * from m where e=?");
    }

    @Test
    void detectsFormatsFromFirstLines() {
        assertThat(FormatDetector.detect(List.of("# Time: 071015 21:43:52"))).contains(LogFormat.MYSQL_SLOW);
        assertThat(FormatDetector.detect(List.of("x LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<none>")))
                .contains(LogFormat.PGAUDIT);
        assertThat(FormatDetector.detect(List.of("#separator \\x09", "#fields\tts")))
                .contains(LogFormat.ZEEK_CONN);
        assertThat(FormatDetector.detect(List.of("{\"ts\":1,\"id_orig_h\":\"1.2.3.4\"}")))
                .contains(LogFormat.ZEEK_CONN);
        assertThat(FormatDetector.detect(List.of("version account-id interface-id srcaddr dstaddr")))
                .contains(LogFormat.VPC_FLOW);
        assertThat(FormatDetector.detect(List.of("{", "  \"databaseActivityEventList\":[")))
                .contains(LogFormat.AURORA_DAS);
        assertThat(FormatDetector.detect(List.of(JsonRecords.toJson(DB)))).contains(LogFormat.CANONICAL);
        assertThat(FormatDetector.detect(List.of("hello"))).isEmpty();
    }

    @Test
    void gzipIsDetectedByMagicBytesNotName() throws IOException {
        Path f = tmp.resolve("slow.log");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write("# Query_time: 1  Lock_time: 0  Rows_sent: 3  Rows_examined: 3\nselect * from t;\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        assertThat(FormatDetector.detect(f)).contains(LogFormat.MYSQL_SLOW);
        ParseStats stats = new LogFileParser().parse(List.of(f), java.util.Optional.empty(), r -> {});
        assertThat(stats.events()).isEqualTo(1);
        assertThat(stats.rowsReturned()).isEqualTo(3);
    }

    @Test
    void overlongLineIsRejectedWithoutBufferingIt() throws IOException {
        Path f = tmp.resolve("big.log");
        Files.writeString(
                f,
                "# Query_time: 1  Lock_time: 0  Rows_sent: 3  Rows_examined: 3\nselect '" + "x".repeat(50_000)
                        + "';\n");
        ParseStats stats = new LogFileParser(ParserOptions.defaults().withMaxEntryChars(10_000))
                .parse(List.of(f), java.util.Optional.of(LogFormat.MYSQL_SLOW), r -> {});
        assertThat(stats.rejectsByReason()).containsEntry("entry exceeds 10000 characters", 1L);
        assertThat(stats.events()).isZero();
    }

    @Test
    void parseCommandWritesJsonLinesRejectsAndSummary() throws IOException {
        Path log = tmp.resolve("slow.log");
        Files.writeString(log, """
                # Time: 2016-07-20T18:13:25Z
                # User@Host: root[root] @ localhost [127.0.0.1]
                # Query_time: 1  Lock_time: 0  Rows_sent: 1000  Rows_examined: 2000
                SELECT * FROM db.members WHERE email = 'ann@example.com';
                # User@Host: root[root] @ localhost [127.0.0.1]
                # Query_time: x  Lock_time: 0  Rows_sent: 1  Rows_examined: 1
                select 1;
                """);
        Path out = tmp.resolve("events.jsonl");
        Path rejects = tmp.resolve("rejects.tsv");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new CommandLine(new ParseCommand(System.out, new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(log.toString(), "--out", out.toString(), "--rejects", rejects.toString());
        assertThat(rc).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).singleElement().satisfies(l -> {
            assertThat(l)
                    .contains(
                            "\"tables\":[\"db.members\"]",
                            "\"event_time\":\"2016-07-20T18:13:25Z\"",
                            "\"rows_returned\":1000");
            assertThat(l).doesNotContain("ann@example.com");
        });
        assertThat(Files.readString(rejects)).isEqualTo(log + "\t6\tmalformed Query_time\n");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "entries: 1",
                        "rejects: 1",
                        "malformed Query_time",
                        "rows returned: 1000",
                        "2016-07-20T18:13:25Z");
    }
}
