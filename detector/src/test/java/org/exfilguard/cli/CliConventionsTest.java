package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.exfilguard.Main;
import org.exfilguard.ingest.LogFormat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Conventions every subcommand keeps, checked over the command tree rather than command by command. */
class CliConventionsTest {

    @Test
    void everyCommandThatTakesBootstrapServersAlsoTakesKafkasOwnSpelling() {
        List<String> commands = new ArrayList<>();
        new CommandLine(new Main()).getSubcommands().forEach((name, command) -> {
            CommandLine.Model.OptionSpec plural = command.getCommandSpec().findOption("--bootstrap-servers");
            if (plural != null) {
                commands.add(name);
                assertThat(command.getCommandSpec().findOption("--bootstrap-server"))
                        .as(name)
                        .isSameAs(plural);
            }
        });
        assertThat(commands).contains("run", "setup", "alerts", "reset", "replay");
    }

    @Test
    void everyFormatOptionListsTheFormatsOfItsSideFromTheEnum() {
        List<String> checked = new ArrayList<>();
        Main.commandLine().getSubcommands().forEach((name, command) -> {
            for (String option : List.of("--format", "--db-format", "--egress-format")) {
                CommandLine.Model.OptionSpec spec = command.getCommandSpec().findOption(option);
                // --format is a log format for parse only (simulate, alerts and scope take output formats).
                if (spec == null || (option.equals("--format") && !name.equals("parse"))) {
                    continue;
                }
                List<String> expected = java.util.Arrays.stream(LogFormat.values())
                        .filter(f ->
                                option.equals("--format") || (option.equals("--db-format") ? f.database() : f.egress()))
                        .map(LogFormat::id)
                        .toList();
                String help = String.join(" ", spec.description());
                List<String> listed = java.util.Arrays.stream(LogFormat.values())
                        .map(LogFormat::id)
                        .filter(id -> java.util.regex.Pattern.compile("(^|[ ,])" + id + "([ ,]|$)")
                                .matcher(help)
                                .find())
                        .toList();
                assertThat(listed).as(name + " " + option + ": " + help).isEqualTo(expected);
                checked.add(name + " " + option);
            }
        });
        assertThat(checked)
                .contains(
                        "parse --format",
                        "replay --db-format",
                        "replay --egress-format",
                        "backtest --db-format",
                        "backtest --egress-format");
    }

    @Test
    void aBadFlagIsAUsageErrorOnEveryCommandNeverTheRestartCode() {
        for (String command :
                List.of("run", "setup", "parse", "replay", "backtest", "alerts", "reset", "config", "simulate")) {
            CommandLine commandLine = Main.commandLine();
            commandLine.setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()));
            assertThat(commandLine.execute(command, "--no-such-flag"))
                    .as(command)
                    .isEqualTo(ExitCodes.USAGE);
        }
        assertThat(ExitCodes.USAGE).isNotEqualTo(ExitCodes.RESTART);
        assertThat(RunCommand.EXIT_RESTART).isEqualTo(ExitCodes.RESTART);
    }

    @Test
    void bashCompletionIsGeneratedFromTheCommandTree() {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new java.io.PrintWriter(out));
        assertThat(commandLine.execute("generate-completion")).isZero();
        assertThat(out.toString()).contains("complete -F").contains("setup").contains("--bootstrap-server");
    }

    @Test
    void aMisspeltKeyIsOneLineAndAUsageErrorNotAStackTrace() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new java.io.PrintWriter(err, true));
        assertThat(commandLine.execute("config", "--effective", "--set", "sensitive.table=coop.members"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString().strip())
                .startsWith("exfilguard: unknown configuration key 'sensitive.table'")
                .contains("did you mean 'sensitive.tables'")
                .doesNotContain("\tat ")
                .doesNotContain("\n");
    }

    @Test
    void alertsHonoursItsTimeoutAgainstADeadClusterAndNamesTheHost() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new java.io.PrintWriter(err, true));
        long start = System.nanoTime();
        int exit = commandLine.execute(
                "alerts",
                "--bootstrap-server",
                "127.0.0.1:1",
                "--schema-registry-url",
                "http://127.0.0.1:2",
                "--timeout",
                "2");
        long seconds = java.time.Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertThat(exit).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("no answer from the Kafka cluster at 127.0.0.1:1 within 2 s");
        // Before: the metadata wait was a fixed 30 s whatever --timeout said.
        assertThat(seconds).isLessThan(25);
    }

    /** The command list of --help shows each command's first description line: it must be a whole sentence. */
    @Test
    void everyCommandsSummaryLineIsAWholeSentence() {
        Main.commandLine().getSubcommands().forEach((name, command) -> {
            String[] description = command.getCommandSpec().usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0].strip()).as(name).matches(".*[.)]$");
        });
    }
}
