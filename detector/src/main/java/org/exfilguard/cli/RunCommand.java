package org.exfilguard.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.exfilguard.config.ExfilguardConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: the detector against a real Kafka cluster and schema registry, until stopped. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the detector against a Kafka cluster until stopped (SIGTERM closes it cleanly).",
            "Configuration: defaults < --config file < EXFILGUARD_* environment (EXFILGUARD_SASL_JAAS_CONFIG is sasl.jaas.config) < --set and the flags below.",
            "Any Kafka Streams or client setting passes through (security.protocol, ssl.*, sasl.*)."
        },
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {
            "0:stopped by SIGTERM, cleanly",
            "64:a bad flag or configuration key (restarting will not help)",
            "75:stopped on an error a restart may cure (the cluster unreachable, a stream thread died, a stall): "
                    + "a supervisor should restart it"
        })
public final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /**
     * Exit code after an unrecoverable error (a stream thread died, e.g. the brokers stayed away longer than
     * {@code task.timeout.ms}): the process exits so that its supervisor restarts it, and exactly-once processing
     * resumes from the last committed transaction without losing or repeating an alert.
     */
    public static final int EXIT_RESTART = ExitCodes.RESTART;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(
            names = "--sensitive-tables",
            paramLabel = "TABLES",
            description = "Comma-separated sensitive tables (db.table or table).")
    String sensitiveTables;

    @Mixin
    InstanceOptions instance = new InstanceOptions();

    @Option(names = "--verbose", description = "More logging.")
    boolean verbose;

    private final PrintStream err;

    public RunCommand() {
        this(System.err);
    }

    /** For tests: an explicit error stream. */
    public RunCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> own = cluster.flags();
        own.put(ExfilguardConfig.SENSITIVE_TABLES, sensitiveTables);
        own.putAll(instance.flags());
        ExfilguardConfig config = configOptions.load(System.getenv(), configOptions.flags(own));

        CountDownLatch stopped = new CountDownLatch(1);
        DetectorRunner runner = new DetectorRunner(config);
        Thread hook = new Thread(
                () -> {
                    log.info("shutting down");
                    runner.close();
                    stopped.countDown();
                },
                "exfilguard-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runner.start();
        } catch (RuntimeException e) {
            Optional<String> unreachable = unreachable(e, config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS));
            if (unreachable.isEmpty()) {
                throw e;
            }
            log.error(unreachable.get(), e);
            err.println("exfilguard: " + unreachable.get());
            Runtime.getRuntime().removeShutdownHook(hook);
            runner.close();
            return EXIT_RESTART;
        }
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            Throwable failure = runner.failure();
            Optional<String> stall = failure == null ? runner.stalled() : Optional.empty();
            if (failure != null || stall.isPresent()) {
                String message = (failure != null
                                ? "the detector stopped after an unrecoverable error (" + describe(failure) + ")"
                                : "the detector is stalled: " + stall.get())
                        + "; exiting with code " + EXIT_RESTART + " so that a supervisor restarts it";
                log.error(message);
                err.println("exfilguard: " + message);
                return EXIT_RESTART;
            }
        }
        return 0;
    }

    /**
     * The one-line error for a start-up that failed because the cluster did not answer within the client timeouts
     * (a broker down, a wrong address, a firewall): the same exit as a broker outage later, so a supervisor
     * retries. Empty for any other failure.
     */
    static Optional<String> unreachable(Throwable failure, String bootstrap) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (!(root instanceof org.apache.kafka.common.errors.TimeoutException)) {
            return Optional.empty();
        }
        return Optional.of("cannot reach the Kafka cluster at " + bootstrap + " (" + root.getMessage()
                + "); exiting with code " + EXIT_RESTART + " so that a supervisor restarts it");
    }

    /** The innermost cause names what went wrong (a timeout, an authentication failure); outer layers wrap it. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return root == failure
                ? outer
                : outer + "; caused by " + root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
