package org.exfilguard.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationFilesTest {
    private static final SimulationSpec SPEC = SimulationSpec.demo().withDays(3);

    @Test
    void sameSeedGivesIdenticalBytes(@TempDir Path dir) throws IOException {
        var formats = EnumSet.allOf(SimulationFiles.Format.class);
        SimulationFiles.Summary first = SimulationFiles.write(new WorkloadSimulator(SPEC), dir.resolve("a"), formats);
        SimulationFiles.write(new WorkloadSimulator(SPEC), dir.resolve("b"), formats);
        SimulationFiles.write(new WorkloadSimulator(SPEC.withSeed(99)), dir.resolve("c"), formats);
        assertThat(first.files()).hasSize(5);
        for (Path f : first.files()) {
            byte[] a = Files.readAllBytes(f);
            assertThat(a)
                    .as(f.toString())
                    .isNotEmpty()
                    .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(f.getFileName())));
        }
        assertThat(Files.readAllBytes(dir.resolve("a").resolve(SimulationFiles.DB_JSONL)))
                .isNotEqualTo(Files.readAllBytes(dir.resolve("c").resolve(SimulationFiles.DB_JSONL)));
    }

    @Test
    void backgroundFlowsAreAddedAfterEachReadAndLeaveTheLabelledEventsAsTheyWere(@TempDir Path dir) throws IOException {
        var canonical = EnumSet.of(SimulationFiles.Format.CANONICAL);
        var background = new SimulationFiles.Background(3, 50);
        SimulationFiles.Summary plain = SimulationFiles.write(new WorkloadSimulator(SPEC), dir.resolve("a"), canonical);
        SimulationFiles.Summary mixed =
                SimulationFiles.write(new WorkloadSimulator(SPEC), dir.resolve("b"), canonical, background);
        SimulationFiles.write(new WorkloadSimulator(SPEC), dir.resolve("c"), canonical, background);

        assertThat(mixed.dbEvents()).isEqualTo(plain.dbEvents());
        assertThat(mixed.egressEvents()).isEqualTo(plain.egressEvents() + 3 * plain.dbEvents());
        assertThat(mixed.truth()).isEqualTo(plain.truth());
        for (String file :
                List.of(SimulationFiles.DB_JSONL, SimulationFiles.EGRESS_JSONL, SimulationFiles.TRUTH_JSONL)) {
            assertThat(Files.readAllBytes(dir.resolve("c").resolve(file)))
                    .as("same seed, same bytes: " + file)
                    .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(file)));
        }
        assertThat(Files.readAllBytes(dir.resolve("b").resolve(SimulationFiles.DB_JSONL)))
                .isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(SimulationFiles.DB_JSONL)));
        List<String> egress = Files.readAllLines(dir.resolve("b").resolve(SimulationFiles.EGRESS_JSONL));
        List<String> labelled =
                egress.stream().filter(l -> !l.contains("\"src_ip\":\"10.0.")).toList();
        assertThat(labelled)
                .as("the simulator's own flows, in their order")
                .isEqualTo(Files.readAllLines(dir.resolve("a").resolve(SimulationFiles.EGRESS_JSONL)));
        assertThat(egress.size() - labelled.size()).isEqualTo(3 * plain.dbEvents());
    }

    @Test
    void backgroundOptionsOutOfRangeAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SimulationFiles.Background(-1, 50))
                .hasMessageContaining("flows per read");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SimulationFiles.Background(1, 4))
                .hasMessageContaining("background hosts");
    }

    @Test
    void slowLogStatementsCarryNoAddressOrCardLikeLiteral(@TempDir Path dir) throws IOException {
        SimulationFiles.write(new WorkloadSimulator(SPEC), dir, EnumSet.of(SimulationFiles.Format.SLOWLOG));
        List<String> lines = Files.readAllLines(dir.resolve(SimulationFiles.SLOW_LOG));
        Pattern cardLike = Pattern.compile("\\d{16}");
        List<String> statements = lines.stream()
                .skip(3)
                .filter(l -> !l.startsWith("#") && !l.startsWith("SET timestamp=") && !l.startsWith("use "))
                .toList();
        assertThat(statements).hasSizeGreaterThan(1_000).allSatisfy(s -> {
            assertThat(s).startsWith("SELECT").endsWith(";").doesNotContain("@").doesNotContain("?");
            assertThat(cardLike.matcher(s).find()).as(s).isFalse();
        });
    }

    @Test
    void slowLogEntriesHaveTheMysqlHeaderLines(@TempDir Path dir) throws IOException {
        SimulationFiles.write(new WorkloadSimulator(SPEC), dir, EnumSet.of(SimulationFiles.Format.SLOWLOG));
        List<String> lines = Files.readAllLines(dir.resolve(SimulationFiles.SLOW_LOG));
        assertThat(lines.get(0)).startsWith("/usr/sbin/mysqld, Version: 8.0");
        int i = lines.indexOf(
                lines.stream().filter(l -> l.startsWith("# Time: ")).findFirst().orElseThrow());
        assertThat(lines.get(i)).matches("# Time: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(lines.get(i + 1)).matches("# User@Host: (\\w+)\\[\\1] @ [\\w.-]* \\[10(\\.\\d+){3}]  Id: +\\d+");
        assertThat(lines.get(i + 2))
                .matches("# Query_time: \\d+\\.\\d{6}  Lock_time: \\d+\\.\\d{6} Rows_sent: \\d+  Rows_examined: \\d+");
        assertThat(lines.get(i + 3)).matches("use \\w+;");
        assertThat(lines.get(i + 4)).matches("SET timestamp=\\d{10};");
        long entries = lines.stream().filter(l -> l.startsWith("# Time: ")).count();
        long dbEvents = Files.readAllLines(dir.resolve(SimulationFiles.SLOW_LOG)).stream()
                .filter(l -> l.startsWith("# Query_time"))
                .count();
        assertThat(entries).isEqualTo(dbEvents).isPositive();
    }

    @Test
    void zeekConnLogHasTheStandardHeaderAndOneRowPerFlow(@TempDir Path dir) throws IOException {
        SimulationFiles.Summary s =
                SimulationFiles.write(new WorkloadSimulator(SPEC), dir, EnumSet.of(SimulationFiles.Format.SLOWLOG));
        List<String> lines = Files.readAllLines(dir.resolve(SimulationFiles.CONN_LOG));
        assertThat(lines.get(0)).isEqualTo("#separator \\x09");
        assertThat(lines).contains("#path\tconn", ZeekConnLogWriter.FIELDS, ZeekConnLogWriter.TYPES);
        assertThat(lines.get(lines.size() - 1)).startsWith("#close\t");
        List<String> rows = lines.stream().filter(l -> !l.startsWith("#")).toList();
        assertThat(rows).hasSize((int) s.egressEvents());
        int fields = ZeekConnLogWriter.FIELDS.split("\t").length - 1;
        assertThat(rows).allSatisfy(r -> assertThat(r.split("\t", -1)).hasSize(fields));
    }

    @Test
    void canonicalJsonRoundTripsDbEvents(@TempDir Path dir) throws IOException {
        SimulationFiles.write(new WorkloadSimulator(SPEC), dir, EnumSet.of(SimulationFiles.Format.CANONICAL));
        List<String> lines = Files.readAllLines(dir.resolve(SimulationFiles.DB_JSONL));
        List<DbAccessEvent> original = new java.util.ArrayList<>();
        new WorkloadSimulator(SPEC).forEach(original::add, e -> {});
        assertThat(lines).hasSameSizeAs(original);
        for (int i = 0; i < lines.size(); i += 97) {
            assertThat(JsonRecords.fromJson(lines.get(i), DbAccessEvent.class)).isEqualTo(original.get(i));
        }
        assertThat(lines.get(0))
                .startsWith("{\"event_time\":\"")
                .contains("\"rows_returned\":", "\"statement_fingerprint\":");
    }

    @Test
    void truthJsonRoundTrips(@TempDir Path dir) throws IOException {
        List<TruthEntry> truth =
                new WorkloadSimulator(SimulationSpec.standard(5).withDays(14)).truth();
        Path f = dir.resolve("t.jsonl");
        TruthJson.write(f, truth);
        assertThat(TruthJson.read(f)).isEqualTo(truth);
    }
}
