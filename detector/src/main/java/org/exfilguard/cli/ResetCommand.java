package org.exfilguard.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.exfilguard.config.ExfilguardConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reset}: forgets everything the detector learnt for one application id, so that the next {@code run}
 * re-reads its input from the start. Deletes the consumer group (its committed offsets), the internal
 * {@code <application.id>-*-changelog} and {@code -repartition} topics, and the local state under
 * {@code <state.dir>/<application.id>}. Kafka's own StreamsResetter lives in kafka-tools, which the detector does
 * not ship; the Admin API does the same for a topology without intermediate user topics.
 */
@Command(
        name = "reset",
        mixinStandardHelpOptions = true,
        resourceBundle = "org.exfilguard.cli.OptionTexts",
        description = {
            "Delete the detector's state for an application id (offsets, internal topics, local state).",
            "Deletes the consumer group offsets, the internal changelog and repartition topics, and the local state",
            "directory. Every instance must be stopped first.",
            "Configuration as for run: --config file < EXFILGUARD_* environment < flags."
        })
public final class ResetCommand implements Callable<Integer> {

    /** Exit code when the reset was refused or not confirmed. */
    public static final int EXIT_NOT_RESET = 1;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(
            names = {"--bootstrap-servers", "--bootstrap-server"},
            paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Mixin
    InstanceOptions instance = new InstanceOptions();

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    private final InputStream in;
    private final PrintStream out;

    public ResetCommand() {
        this(System.in, System.out);
    }

    ResetCommand(InputStream in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> own = new LinkedHashMap<>();
        own.put(ExfilguardConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        own.putAll(instance.flags());
        ExfilguardConfig config = configOptions.load(System.getenv(), configOptions.flags(own));
        String appId = config.getString(ExfilguardConfig.APPLICATION_ID);
        // Kafka Streams keeps each application's stores under <state.dir>/<application.id>: only that goes.
        Path localState = Path.of(config.getString(ExfilguardConfig.STATE_DIR)).resolve(appId);

        try (Admin admin = Admin.create(adminConfig(config))) {
            List<String> topics = internalTopics(
                    admin.listTopics(new ListTopicsOptions().listInternal(false))
                            .names()
                            .get(60, TimeUnit.SECONDS),
                    appId);
            out.printf(
                    "Reset of application id '%s' on %s will delete:%n",
                    appId, config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS));
            out.printf("  consumer group %s (committed offsets: the next run starts from the earliest input)%n", appId);
            out.printf(
                    "  %d internal topic(s)%s%n",
                    topics.size(), topics.isEmpty() ? "" : ": " + String.join(", ", topics));
            out.printf("  local state %s%s%n", localState, Files.exists(localState) ? "" : " (absent)");
            if (!yes && !confirmed()) {
                out.println("Not reset.");
                return EXIT_NOT_RESET;
            }
            try {
                admin.deleteConsumerGroups(List.of(appId)).all().get(60, TimeUnit.SECONDS);
                out.printf("deleted consumer group %s%n", appId);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupNotEmptyException) {
                    out.printf(
                            "consumer group %s still has members: stop every instance of the detector first (a stopped"
                                    + " instance stays a member until its session.timeout.ms passes, 45 s by default). Not reset.%n",
                            appId);
                    return EXIT_NOT_RESET;
                }
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                out.printf("consumer group %s did not exist%n", appId);
            }
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
                out.printf("deleted %d internal topic(s)%n", topics.size());
            }
        }
        deleteRecursively(localState);
        out.printf("deleted local state %s%nReset of '%s' done.%n", localState, appId);
        return 0;
    }

    /** Topics Kafka Streams created for this application id: changelogs of its stores and repartition topics. */
    static List<String> internalTopics(Set<String> topics, String appId) {
        return topics.stream()
                .filter(t -> t.startsWith(appId + "-") && (t.endsWith("-changelog") || t.endsWith("-repartition")))
                .sorted()
                .toList();
    }

    private boolean confirmed() throws IOException {
        out.print("Type 'yes' to reset: ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
    }

    /** The admin client gets the connection and security settings run uses (TLS, SASL), nothing else. */
    static Map<String, Object> adminConfig(ExfilguardConfig config) {
        Map<String, Object> admin = new LinkedHashMap<>();
        Set<String> known = AdminClientConfig.configNames();
        config.passThrough().forEach((k, v) -> {
            if (known.contains(k)) {
                admin.put(k, v);
            }
        });
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS));
        return admin;
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
