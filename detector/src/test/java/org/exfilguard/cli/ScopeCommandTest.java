package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.testkit.TestAlerts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScopeCommandTest {

    private static final Instant T = Instant.parse("2026-03-14T02:47:00Z");

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ScopeCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** jdoe: an incident opened, escalated and closed (1.2 million rows); mallory: one on the card table a day later. */
    private static Path alerts(Path dir) throws Exception {
        List<ExfiltrationAlert> records = List.of(
                TestAlerts.alert().ids("inc-a", "alr-1").build(),
                TestAlerts.alert()
                        .ids("inc-a", "alr-2")
                        .status(AlertStatus.UPDATED)
                        .withEgress()
                        .withTotals()
                        .build(),
                TestAlerts.alert()
                        .ids("inc-a", "alr-3")
                        .status(AlertStatus.CLOSED)
                        .detectedAt(T.plusSeconds(7200))
                        .withEgress()
                        .withTotals()
                        .build(),
                TestAlerts.alert()
                        .ids("inc-b", "alr-4")
                        .account("mallory")
                        .table("coop.member_cards")
                        .detectedAt(T.plusSeconds(86_400))
                        .clientIps("10.9.9.9")
                        .withTotals()
                        .build(),
                TestAlerts.alert().ids("inc-old", "alr-5").account("old").build());
        Path file = dir.resolve("alerts.jsonl");
        Files.writeString(file, records.stream().map(JsonRecords::toJson).collect(Collectors.joining("\n", "", "\n")));
        return file;
    }

    @Test
    void oneIncidentsScopeFromItsLatestRecordAsText(@TempDir Path dir) throws Exception {
        Run r = run("--alerts", alerts(dir).toString(), "--incident", "inc-a");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "Breach scope: 1 incident(s) of 1 account(s)",
                        "incident inc-a  CLOSED",
                        "rows          at least 25,000, at most 1,200,000",
                        "time span     2026-03-14 01:47:00Z .. 2026-03-14 04:45:00Z",
                        "hosts         10.20.0.14, 10.20.0.15",
                        "destinations  203.0.113.77 (upload.example-share.net)",
                        "bytes out     431,000,000 to destinations new for the hosts");
        assertThat(r.out()).doesNotContain("mallory");
    }

    @Test
    void aTimeRangeGivesEveryOverlappingIncidentAndEachAccountsBoundsAsJson(@TempDir Path dir) throws Exception {
        Path file = alerts(dir);
        Run all = run(
                "--alerts",
                file.toString(),
                "--from",
                "2026-03-13T00:00:00Z",
                "--to",
                "2026-03-16T00:00:00Z",
                "--format",
                "json");
        assertThat(all.exitCode()).as(all.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(all.out());
        assertThat(json.get("incidents")).hasSize(2);
        assertThat(json.at("/accounts/0/account").asText()).isEqualTo("jdoe");
        assertThat(json.at("/accounts/0/rows_at_most").asLong()).isEqualTo(1_200_000);
        assertThat(json.at("/accounts/1/tables/0").asText()).isEqualTo("coop.member_cards");
        assertThat(json.at("/accounts/1/bytes_out").asLong()).isZero();
        assertThat(json.at("/incidents_without_totals/0").asText()).isEqualTo("inc-old");

        Run later = run("--alerts", file.toString(), "--from", "2026-03-15T00:00:00Z", "--format", "json");
        JsonNode only = new ObjectMapper().readTree(later.out());
        assertThat(only.get("incidents")).hasSize(1);
        assertThat(only.at("/incidents/0/account").asText()).isEqualTo("mallory");
    }

    @Test
    void anIncidentWithoutTotalsOrUnknownIsAnErrorThatSaysWhich(@TempDir Path dir) throws Exception {
        Path file = alerts(dir);
        assertThat(run("--alerts", file.toString(), "--incident", "inc-old").err())
                .contains("has no totals");
        Run missing = run("--alerts", file.toString(), "--incident", "inc-zzz");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no incident inc-zzz");
        assertThat(run("--alerts", file.toString(), "--incident", "inc-a", "--from", "2026-03-13T00:00:00Z")
                        .exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }
}
