package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.sim.SimulationFiles;
import org.exfilguard.sim.SimulationSpec;
import org.exfilguard.sim.WorkloadSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BacktestCommandIT {

    @TempDir
    Path dir;

    /** The demo's story, shortened: eight days of a small team, then jdoe's member-table grab on the last. */
    private Path simulate() throws Exception {
        SimulationSpec spec = SimulationSpec.demo().withDays(8);
        spec = spec.withPopulation(spec.population().withAnalysts(6).withServicePeakPerHour(200));
        Path sim = dir.resolve("sim");
        SimulationFiles.write(new WorkloadSimulator(spec), sim, EnumSet.of(SimulationFiles.Format.SLOWLOG));
        return sim;
    }

    private String backtest(Path sim, Path alerts, String... extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of(
                "--db-log",
                sim.resolve(SimulationFiles.SLOW_LOG).toString(),
                "--egress-log",
                sim.resolve(SimulationFiles.CONN_LOG).toString(),
                "--sensitive-tables",
                "coop.members,coop.member_cards",
                "--alerts-out",
                alerts.toString()));
        args.addAll(List.of(extra));
        int exit = new CommandLine(new BacktestCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args.toArray(String[]::new));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String read(java.time.Instant at) {
        return "{\"event_time\":\"" + at + "\",\"account\":\"a1\",\"client_ip\":\"10.0.0.7\",\"database\":\"coop\","
                + "\"tables\":[\"coop.members\"],\"operation\":\"select\",\"rows_returned\":10}\n";
    }

    @Test
    void aSkewedClockNeitherAbortsTheRunNorInflatesTheDeadLetterCount() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant base = now.minus(java.time.Duration.ofDays(2));
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            log.append(read(base.plusSeconds(60L * i)));
        }
        // Ten days behind the newest event, kept out of order by --reorder-window 1: the detector refuses these four
        // as too late, in transactions whose commit markers must not count as dead letters.
        for (int i = 0; i < 4; i++) {
            log.append(read(base.minus(java.time.Duration.ofDays(10)).plusSeconds(i)));
        }
        // A host two hours ahead (Kafka refuses an hour ahead by default) and one 30 hours ahead (past the detector's
        // 24 h).
        log.append(read(now.plus(java.time.Duration.ofHours(2))));
        log.append(read(now.plus(java.time.Duration.ofHours(30))));
        Path db = dir.resolve("skewed.jsonl");
        Files.writeString(db, log.toString());
        Path rejects = dir.resolve("rejects.tsv");
        Path alerts = dir.resolve("alerts.jsonl");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new BacktestCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(
                        "--db-log",
                        db.toString(),
                        "--db-format",
                        "canonical",
                        "--reorder-window",
                        "1",
                        "--rejects",
                        rejects.toString(),
                        "--alerts-out",
                        alerts.toString());

        String summary = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(summary)
                .contains("events fed: 25 (25 database, 0 egress)")
                .contains("1 events rejected for their time")
                .contains("dead letters (events the detector refused): 4 {too_late=4}");
        assertThat(Files.readString(rejects))
                .contains("event time ahead of the wall clock")
                .hasLineCount(1);
        assertThat(alerts).exists();
    }

    @Test
    void sameInputGivesByteIdenticalAlertsWithTheExtractionAndAReport() throws Exception {
        Path sim = simulate();
        Path first = dir.resolve("alerts-1.jsonl");
        Path second = dir.resolve("alerts-2.jsonl");
        Path report = dir.resolve("report.html");

        String summary = backtest(sim, first, "--report", report.toString());
        backtest(sim, second);

        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        List<String> lines = Files.readAllLines(first);
        assertThat(lines).isNotEmpty();
        List<ExfiltrationAlert> alerts = lines.stream()
                .map(l -> JsonRecords.fromJson(l, ExfiltrationAlert.class))
                .toList();
        assertThat(alerts).anySatisfy(a -> {
            assertThat(a.getAccount()).isEqualTo(SimulationSpec.DEMO_CULPRIT);
            assertThat(a.getTable()).isEqualTo("coop.members");
            assertThat(a.getStatus()).isEqualTo(AlertStatus.OPENED);
        });
        assertThat(lines.get(0))
                .contains("\"alert_id\":\"")
                .contains("\"detected_at\":\"20")
                .contains("\"window_start\":\"");
        assertThat(alerts).extracting(ExfiltrationAlert::getDetectedAt).isSorted();
        assertThat(summary)
                .contains("backtest summary")
                .contains("events/s end to end")
                .contains("alerts: " + lines.size() + " records");
        String html = Files.readString(report);
        assertThat(html).contains("<svg class=\"chart\"").contains(SimulationSpec.DEMO_CULPRIT);
    }
}
