package org.exfilguard;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.exfilguard.cli.AlertsCommand;
import org.exfilguard.cli.BacktestCommand;
import org.exfilguard.cli.BenchCommand;
import org.exfilguard.cli.ConfigCommand;
import org.exfilguard.cli.DemoCommand;
import org.exfilguard.cli.EvaluateCommand;
import org.exfilguard.cli.ExitCodes;
import org.exfilguard.cli.ParseCommand;
import org.exfilguard.cli.ReplayCommand;
import org.exfilguard.cli.ResetCommand;
import org.exfilguard.cli.RunCommand;
import org.exfilguard.cli.RunLog;
import org.exfilguard.cli.ScopeCommand;
import org.exfilguard.cli.SetupCommand;
import org.exfilguard.cli.SimulateCommand;
import org.exfilguard.cli.Terminals;
import org.exfilguard.cli.VersionProvider;
import org.exfilguard.embedded.BrokerClasses;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Parses the command line and hands over to a subcommand; nothing else. */
@Command(
        name = "exfilguard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Streaming detector of bulk data extraction from database access and egress logs.",
        subcommands = {
            RunCommand.class,
            SetupCommand.class,
            DemoCommand.class,
            BacktestCommand.class,
            ReplayCommand.class,
            AlertsCommand.class,
            ParseCommand.class,
            SimulateCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            ResetCommand.class,
            ConfigCommand.class,
            ScopeCommand.class,
            picocli.AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Commands whose console tells a story: Kafka's logs go to a file unless --verbose. */
    private static final Set<String> QUIET_COMMANDS =
            Set.of("demo", "backtest", "simulate", "evaluate", "parse", "replay", "alerts", "bench", "setup");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Commands that start an in-process Kafka broker: only exfilguard.jar has one. */
    static final Set<String> BROKER_COMMANDS = Set.of("demo", "backtest", "bench");

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        // A bad flag is a usage error (64), never the 2 picocli uses by default, which read like "restart me".
        usageExitCode(commandLine);
        // Help in colour on a terminal only: escape codes in a pipe, a file or a CI log are noise.
        if (!Terminals.interactive()) {
            commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        }
        // One line, never a stack trace without --verbose: a bad configuration key or value is a usage error (64).
        commandLine.setExecutionExceptionHandler((e, command, parsed) -> {
            boolean config = e instanceof org.apache.kafka.common.config.ConfigException;
            String what = config ? e.getMessage() : command.getCommandName() + " failed: " + describe(e);
            command.getErr().println("exfilguard: " + what);
            if (parsed.originalArgs().contains("--verbose")) {
                e.printStackTrace(command.getErr());
            } else if (!config) {
                command.getErr().println("exfilguard: (--verbose prints the stack trace)");
            }
            return config ? ExitCodes.USAGE : ExitCodes.FAILED;
        });
        return commandLine.setExecutionStrategy(parsed -> {
            CommandLine.ParseResult sub = parsed.subcommand();
            if (sub != null
                    && BROKER_COMMANDS.contains(sub.commandSpec().name())
                    && !BrokerClasses.present()
                    && !sub.isUsageHelpRequested()
                    && !sub.isVersionHelpRequested()) {
                parsed.commandSpec()
                        .commandLine()
                        .getErr()
                        .println("exfilguard: " + sub.commandSpec().name()
                                + " starts an embedded Kafka broker, which this jar (exfilguard-runtime.jar, for run) leaves out;"
                                + " use exfilguard.jar");
                return 1;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The exception and, when it wraps another, its innermost cause: the part that says what went wrong. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = e.getClass().getSimpleName() + ": " + e.getMessage();
        return root == e ? outer : outer + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    private static void usageExitCode(CommandLine commandLine) {
        commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        commandLine.getSubcommands().values().forEach(Main::usageExitCode);
    }

    /** Must run before the first logger is created: logback reads its configuration once. */
    static void configureLogging(String[] args) {
        // Not Set.of(args): it refuses duplicates, and repeated options (--set a=1 --set b=2) are normal.
        java.util.List<String> all = java.util.Arrays.asList(args);
        boolean verbose = all.contains("--verbose");
        boolean help = all.contains("--help") || all.contains("-h") || all.contains("--version") || all.contains("-V");
        // A command this jar refuses (no embedded broker) runs nothing worth a log file.
        boolean refused = args.length > 0 && BROKER_COMMANDS.contains(args[0]) && !BrokerClasses.present();
        if (args.length > 0
                && QUIET_COMMANDS.contains(args[0])
                && !verbose
                && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-quiet.xml");
            if (!help && !refused && System.getProperty(RunLog.PROPERTY) == null) {
                try {
                    Path log = RunLog.create(
                            Path.of(System.getProperty("java.io.tmpdir")),
                            args[0],
                            Instant.now(),
                            ProcessHandle.current().pid());
                    System.setProperty(RunLog.PROPERTY, log.toString());
                    System.err.println("exfilguard: logs in " + log);
                } catch (IOException e) {
                    // No file, no file logging: the command itself still runs and reports on the console.
                    System.setProperty("logback.configurationFile", "logback-errors-only.xml");
                    System.err.println("exfilguard: cannot create a log file (" + e.getMessage()
                            + "); logging errors to the console only");
                }
            }
        }
    }
}
