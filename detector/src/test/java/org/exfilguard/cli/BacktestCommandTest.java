package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BacktestCommandTest {

    @TempDir
    Path dir;

    private String refused(String... outputArgs) throws Exception {
        Path db = Files.writeString(dir.resolve("db.jsonl"), "");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[outputArgs.length + 2];
        args[0] = "--db-log";
        args[1] = db.toString();
        System.arraycopy(outputArgs, 0, args, 2, outputArgs.length);
        long began = System.nanoTime();
        int exit = new CommandLine(new BacktestCommand(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(args);
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(System.nanoTime() - began).as("before any broker starts").isLessThan(5_000_000_000L);
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void alertsOutIntoAMissingDirectoryFailsAtOnceInOneLine() throws Exception {
        Path missing = dir.resolve("no-such-dir").resolve("alerts.jsonl");
        assertThat(refused("--alerts-out", missing.toString()))
                .isEqualTo("cannot write --alerts-out " + missing + ": directory " + missing.getParent()
                        + " does not exist");
    }

    @Test
    void aReportPathThatIsADirectoryFailsAtOnce() throws Exception {
        assertThat(refused("--alerts-out", dir.resolve("a.jsonl").toString(), "--report", dir.toString()))
                .isEqualTo("cannot write --report " + dir + ": it is a directory");
    }

    @Test
    void aBadSensitiveColumnsValueIsRefusedBeforeABrokerStarts() throws Exception {
        Path db = Files.writeString(dir.resolve("db.jsonl"), "");
        Exception[] thrown = new Exception[1];
        CommandLine command = new CommandLine(new BacktestCommand(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        // Main's handler turns a ConfigException into one line and exit 64.
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            thrown[0] = e;
            return ExitCodes.USAGE;
        });
        long began = System.nanoTime();
        command.execute(
                "--db-log",
                db.toString(),
                "--alerts-out",
                dir.resolve("a.jsonl").toString(),
                "--set",
                "sensitive.columns=email");
        assertThat(System.nanoTime() - began).as("before any broker starts").isLessThan(5_000_000_000L);
        assertThat(thrown[0])
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining("sensitive.columns")
                .hasMessageContaining("db.table.column");
    }
}
