package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.exfilguard.sim.SimulationFiles;
import org.exfilguard.sim.TruthJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateAndEvaluateCommandTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void simulateWritesLogsAndTruthThenEvaluateScoresTheStaticBaseline(@TempDir Path dir) throws Exception {
        Run sim = run(
                new SimulateCommand(), "--out-dir", dir.toString(), "--preset", "demo", "--days", "3", "--seed", "5");
        assertThat(sim.exitCode()).as(sim.err()).isZero();
        assertThat(sim.out()).contains("seed 5", "3 days", "SMASH_AND_GRAB", "jdoe");
        for (String f : new String[] {
            SimulationFiles.SLOW_LOG,
            SimulationFiles.CONN_LOG,
            SimulationFiles.DB_JSONL,
            SimulationFiles.EGRESS_JSONL,
            SimulationFiles.TRUTH_JSONL
        }) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
        assertThat(TruthJson.read(dir.resolve(SimulationFiles.TRUTH_JSONL)))
                .singleElement()
                .satisfies(t -> assertThat(t.account()).isEqualTo("jdoe"));

        Path staticAlerts = dir.resolve("static-alerts.jsonl");
        Run eval = run(
                new EvaluateCommand(),
                "--truth",
                dir.resolve(SimulationFiles.TRUTH_JSONL).toString(),
                "--static-threshold-from",
                dir.resolve(SimulationFiles.DB_JSONL).toString(),
                "--write-static-alerts",
                staticAlerts.toString());
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        // the demo dump is 1.2M rows in minutes: any threshold of 100k per hour sees it
        assertThat(eval.out()).contains("Static threshold", "SMASH_AND_GRAB", "100.0%", "F1");
        assertThat(staticAlerts).isNotEmptyFile();

        Run again = run(
                new EvaluateCommand(),
                "--truth",
                dir.resolve(SimulationFiles.TRUTH_JSONL).toString(),
                "--alerts",
                staticAlerts.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("Detector alerts", "100.0%");
    }

    @Test
    void simulateCanonicalOnlyWritesNoSlowLog(@TempDir Path dir) {
        Run sim = run(new SimulateCommand(), "--out-dir", dir.toString(), "--days", "2", "--format", "canonical");
        assertThat(sim.exitCode()).isZero();
        assertThat(dir.resolve(SimulationFiles.DB_JSONL)).exists();
        assertThat(dir.resolve(SimulationFiles.SLOW_LOG)).doesNotExist();
    }

    @Test
    void rejectsUnknownPresetAndFormat(@TempDir Path dir) {
        assertThat(run(new SimulateCommand(), "--out-dir", dir.toString(), "--preset", "huge")
                        .exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(new SimulateCommand(), "--out-dir", dir.toString(), "--format", "csv")
                        .exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void evaluateNeedsAlertsOrEvents(@TempDir Path dir) throws Exception {
        Path truth = Files.writeString(dir.resolve("t.jsonl"), "");
        Run r = run(new EvaluateCommand(), "--truth", truth.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--alerts");
    }

    @Test
    void evaluateReportsAnUnreadableTruthFile(@TempDir Path dir) throws Exception {
        Path truth = Files.writeString(dir.resolve("t.jsonl"), "{\"kind\":\"SMASH_AND_GRAB\"}\n");
        Path alerts = Files.writeString(dir.resolve("a.jsonl"), "");
        Run r = run(new EvaluateCommand(), "--truth", truth.toString(), "--alerts", alerts.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("line 1", "missing scenario_id");
    }

    @Test
    void evaluateScoresSeveralRunsAfterAWarmUpAndWantsOneAlertsFilePerTruth(@TempDir Path dir) throws Exception {
        String truthLine = "{\"scenario_id\":\"S1\",\"kind\":\"NIGHT_READ\",\"account\":\"jdoe\","
                + "\"table\":\"coop.member_cards\",\"start\":\"2026-03-20T01:00:00Z\",\"end\":\"2026-03-20T01:40:00Z\","
                + "\"client_ip\":\"10.20.1.10\",\"egress_dst_ip\":null,\"rows\":3000}\n";
        Path truth = Files.writeString(dir.resolve("t.jsonl"), truthLine);
        Path alerts = Files.writeString(
                dir.resolve("a.jsonl"),
                alertLine("jdoe", "coop.member_cards", "2026-03-20T01:03:00Z")
                        + alertLine("bkp_nightly", "coop.members", "2026-03-03T02:00:00Z"));
        Path empty = Files.writeString(dir.resolve("none.jsonl"), "");

        Run r = run(
                new EvaluateCommand(),
                "--truth",
                truth.toString(),
                "--alerts",
                alerts.toString(),
                "--truth",
                truth.toString(),
                "--alerts",
                empty.toString(),
                "--warmup-days",
                "7");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "scored from 2026-03-09T00:00:00Z (warm-up: 0 incidents and 1 detection records",
                        "Detector alerts over 2 runs");
        String night = r.out()
                .lines()
                .filter(l -> l.startsWith("NIGHT_READ"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(night.split("\\s+")).containsSubsequence("2", "2", "1", "50.0%", "0%-100%", "3m00s");

        Run unpaired = run(
                new EvaluateCommand(),
                "--truth",
                truth.toString(),
                "--alerts",
                alerts.toString(),
                "--truth",
                truth.toString());
        assertThat(unpaired.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unpaired.err()).contains("one --alerts per --truth");
    }

    /** An alert line as the detector writes it (evaluate reads alerts through the one JSON codec). */
    private static String alertLine(String account, String table, String detectedAt) {
        return "{\"alert_id\":\"a-" + account + "\",\"incident_id\":\"i-" + account + "\",\"status\":\"OPENED\","
                + "\"kind\":\"BULK_READ\",\"severity\":\"HIGH\",\"score\":2.0,\"account\":\"" + account + "\","
                + "\"table\":\"" + table + "\",\"detected_at\":\"" + detectedAt + "\",\"window_start\":\"" + detectedAt
                + "\","
                + "\"window_end\":\"" + detectedAt + "\",\"observed_rows\":5000,\"baseline_rows\":100.0,"
                + "\"baseline_method\":\"floor\",\"baseline_history_days\":0,\"reason\":\"test\",\"detector_version\":\"test\"}\n";
    }
}
