package org.exfilguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.config.StreamsSettings;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.AlertFormat;
import org.exfilguard.serde.RestSchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.serde.WireFormat;
import org.exfilguard.topology.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code setup}: everything a cluster needs before the first {@code run}, in one idempotent command. Creates the
 * topics with the partitions their keys need, registers the value schemas under their subjects (the production
 * configurations set {@code auto.register.schemas=false}) and prints the ACLs of the application's principal.
 * {@code --dry-run} changes nothing and prints the equivalent {@code kafka-topics.sh}, registry and
 * {@code kafka-acls.sh} commands for a change process that wants to review them.
 */
@Command(
        name = "setup",
        mixinStandardHelpOptions = true,
        resourceBundle = "org.exfilguard.cli.OptionTexts",
        description = {
            "Create the detector's topics, register its schemas and print the ACLs it needs; idempotent.",
            "Run it once per cluster (and again after adding a topic.* setting); --dry-run prints the commands instead."
        })
public final class SetupCommand implements Callable<Integer> {

    /** Alerts are the record of what happened: a SIEM outage and a quarter of look-back (as deploy/kubernetes keeps them). */
    static final long DEFAULT_ALERT_RETENTION_DAYS = 90;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Option(
            names = "--partitions",
            defaultValue = "6",
            paramLabel = "N",
            description =
                    "Partitions of db-access and egress (and so of every topic keyed like them); the most instances that share the work. Default ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "-1",
            paramLabel = "R",
            description =
                    "Replication factor of every topic created; -1 (default) takes the broker's default.replication.factor.")
    short replicationFactor;

    @Option(
            names = "--alert-retention-days",
            defaultValue = "" + DEFAULT_ALERT_RETENTION_DAYS,
            paramLabel = "DAYS",
            description = "Retention of the alert and dead-letter topics. Default ${DEFAULT-VALUE}.")
    long alertRetentionDays;

    @Option(
            names = "--principal",
            defaultValue = "User:exfilguard",
            paramLabel = "PRINCIPAL",
            description =
                    "The principal the detector authenticates as, for the ACLs printed. Default ${DEFAULT-VALUE}.")
    String principal;

    @Option(
            names = "--skip-topics",
            description =
                    "Leave the topics alone (managed elsewhere: Strimzi KafkaTopic resources, Terraform); register the schemas and print the ACLs.")
    boolean skipTopics;

    @Option(
            names = "--dry-run",
            description = "Change nothing; print the kafka-topics.sh, registry (curl) and kafka-acls.sh commands.")
    boolean dryRun;

    @Option(
            names = "--timeout",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "Per Kafka admin call. Default ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Option(names = "--verbose", description = "More logging.")
    boolean verbose;

    /** One topic the detector reads or writes: its name, partitions, configs and what it is for. */
    record TopicSpec(String name, int partitions, Map<String, String> configs, String purpose) {}

    /** One subject and the schema registered under it. */
    record SubjectSpec(String subject, Schema schema) {}

    @Override
    public Integer call() {
        ExfilguardConfig config = configOptions.load(System.getenv(), configOptions.flags(cluster.flags()));
        List<TopicSpec> topics = topics(config, partitions, alertRetentionDays);
        List<SubjectSpec> subjects = subjects(config.topics());
        List<String> acls = acls(config, principal);
        PrintStream out = System.out;
        if (dryRun) {
            printCommands(out, config, topics, subjects, acls, replicationFactor);
            return 0;
        }
        try {
            if (!skipTopics) {
                createTopics(config, topics, out);
            }
            registerSubjects(config, subjects, out);
        } catch (SetupException e) {
            System.err.println("exfilguard setup: " + e.getMessage());
            return 1;
        }
        out.println();
        out.println("ACLs the principal " + principal
                + " needs (kafka-acls.sh --add; setup --dry-run prints the commands):");
        acls.forEach(a -> out.println("  " + a));
        return 0;
    }

    /**
     * Every topic {@code run} reads or writes apart from Kafka Streams' own changelogs (named after the
     * application id, created by Kafka Streams). Keyed topics that are joined share a partition count.
     */
    static List<TopicSpec> topics(ExfilguardConfig config, int partitions, long alertRetentionDays) {
        Topics t = config.topics();
        // Records of a replay carry old event times: time-based retention would delete them on arrival.
        Map<String, String> keep = InternalTopics.CONFIGS;
        Map<String, String> alerts = Map.of("retention.ms", Long.toString(TimeUnit.DAYS.toMillis(alertRetentionDays)));
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(new TopicSpec(t.dbAccess(), partitions, Map.of(), "input: DbAccessEvent (Avro), keyed by account"));
        specs.add(new TopicSpec(t.egress(), partitions, Map.of(), "input: EgressEvent (Avro), keyed by source ip"));
        if (config.getBoolean(ExfilguardConfig.RAW_NORMALISE)) {
            specs.add(new TopicSpec(
                    t.rawDbLogs(), partitions, Map.of(), "input: raw database log records from shippers"));
            specs.add(new TopicSpec(
                    t.rawEgressLogs(), partitions, Map.of(), "input: raw egress log records from shippers"));
        }
        specs.add(new TopicSpec(t.alerts(), partitions, alerts, "output: ExfiltrationAlert (Avro), keyed by account"));
        for (AlertFormat format : AlertFormat.publishable()) {
            if (t.alertRenderings().containsKey(format.id())) {
                specs.add(new TopicSpec(
                        t.rendering(format),
                        partitions,
                        alerts,
                        "output: alerts as " + format.description() + " (JSON)"));
            }
        }
        specs.add(new TopicSpec(
                t.deadLetters(), partitions, alerts, "output: refused records with their reason in headers"));
        specs.add(new TopicSpec(
                t.readSignals(),
                partitions,
                keep,
                "internal: bulk reads to watch, keyed by client ip (partitions = egress)"));
        specs.add(new TopicSpec(
                t.egressUpdates(),
                partitions,
                keep,
                "internal: egress evidence, keyed by account (partitions = db-access)"));
        specs.add(new TopicSpec(
                t.tableReads(),
                partitions,
                keep,
                "internal: sensitive reads summed per minute and account, keyed by table, for the table profile"));
        specs.add(new TopicSpec(
                t.peerDays(),
                partitions,
                keep,
                "internal: each read task's daily peer peaks, to every read task (partitions = db-access)"));
        return specs;
    }

    /** The value subjects (TopicNameStrategy) the detector reads or writes with Avro. */
    static List<SubjectSpec> subjects(Topics t) {
        return List.of(
                new SubjectSpec(WireFormat.subject(t.dbAccess(), false), DbAccessEvent.getClassSchema()),
                new SubjectSpec(WireFormat.subject(t.egress(), false), EgressEvent.getClassSchema()),
                new SubjectSpec(WireFormat.subject(t.alerts(), false), ExfiltrationAlert.getClassSchema()));
    }

    /**
     * The ACLs of a Kafka Streams application with exactly-once processing: its topics, its consumer group (the
     * application id), the changelog topics it creates under the application id, and its transactional ids.
     */
    static List<String> acls(ExfilguardConfig config, String principal) {
        Topics t = config.topics();
        String app = config.getString(ExfilguardConfig.APPLICATION_ID);
        List<String> read = new ArrayList<>(
                List.of(t.dbAccess(), t.egress(), t.readSignals(), t.egressUpdates(), t.tableReads(), t.peerDays()));
        List<String> write = new ArrayList<>(List.of(t.alerts()));
        write.addAll(t.alertRenderings().values());
        write.addAll(List.of(t.deadLetters(), t.readSignals(), t.egressUpdates(), t.tableReads(), t.peerDays()));
        if (config.getBoolean(ExfilguardConfig.RAW_NORMALISE)) {
            read.addAll(List.of(t.rawDbLogs(), t.rawEgressLogs()));
            // The normaliser writes what it parsed to the canonical topics.
            write.addAll(List.of(t.dbAccess(), t.egress()));
        }
        List<String> out = new ArrayList<>();
        read.forEach(topic -> out.add(acl(principal, "Read,Describe", "topic", topic, false)));
        write.stream().distinct().forEach(topic -> out.add(acl(principal, "Write,Describe", "topic", topic, false)));
        out.add(acl(principal, "All", "topic", app + "-", true));
        out.add(acl(principal, "Read,Describe", "group", app, false));
        if (!"at_least_once".equals(config.getString(ExfilguardConfig.PROCESSING_GUARANTEE))) {
            out.add(acl(principal, "Write,Describe", "transactional-id", app, true));
            out.add(acl(principal, "IdempotentWrite", "cluster", "kafka-cluster", false));
        }
        return out;
    }

    private static String acl(String principal, String operations, String resourceType, String name, boolean prefixed) {
        return "allow " + principal + " " + operations + " on " + resourceType + " " + name
                + (prefixed ? " (prefixed)" : "");
    }

    private void createTopics(ExfilguardConfig config, List<TopicSpec> topics, PrintStream out) {
        try (Admin admin = Admin.create(StreamsSettings.adminProperties(StreamsSettings.of(config)))) {
            String bootstrap = config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS);
            Set<String> existing = call(admin.listTopics().names(), "list the topics of " + bootstrap);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : topics) {
                if (existing.contains(spec.name())) {
                    continue;
                }
                missing.add(new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(spec.configs()));
            }
            if (!missing.isEmpty()) {
                call(admin.createTopics(missing).all(), "create topics on " + bootstrap);
            }
            Map<String, TopicDescription> described = awaitTopics(
                    admin, topics.stream().map(TopicSpec::name).toList(), "describe the topics on " + bootstrap);
            for (TopicSpec spec : topics) {
                String state = existing.contains(spec.name()) ? "exists " : "created";
                out.printf(
                        "topic %s %-24s %2d partitions  %s%n",
                        state,
                        spec.name(),
                        described.get(spec.name()).partitions().size(),
                        spec.purpose());
            }
            Topics t = config.topics();
            requireSamePartitions(described, t.readSignals(), t.egress());
            requireSamePartitions(described, t.egressUpdates(), t.dbAccess());
        }
    }

    private static void requireSamePartitions(Map<String, TopicDescription> described, String internal, String input) {
        int a = described.get(internal).partitions().size();
        int b = described.get(input).partitions().size();
        if (a != b) {
            throw new SetupException("topic " + internal + " has " + a + " partitions but " + input + " has " + b
                    + ": they are co-partitioned; delete " + internal
                    + " (it holds only in-flight records) and run setup again");
        }
    }

    private static void registerSubjects(ExfilguardConfig config, List<SubjectSpec> subjects, PrintStream out) {
        try (SchemaRegistryClient client = new RestSchemaRegistryClient(config.registryClientConfig())) {
            for (SubjectSpec s : subjects) {
                try {
                    int id = client.register(s.subject(), s.schema());
                    out.printf(
                            "subject %-28s schema %s, id %d%n",
                            s.subject(), s.schema().getFullName(), id);
                } catch (RuntimeException e) {
                    throw new SetupException(
                            "cannot register " + s.schema().getFullName() + " under subject " + s.subject() + " at "
                                    + config.getString(ExfilguardConfig.SCHEMA_REGISTRY_URL) + ": " + e.getMessage());
                }
            }
        }
    }

    private Map<String, TopicDescription> awaitTopics(Admin admin, List<String> names, String what) {
        return step(() -> TopicsReady.await(admin, names, java.time.Duration.ofSeconds(timeoutSeconds)), what);
    }

    private <T> T call(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        return step(() -> future.get(timeoutSeconds, TimeUnit.SECONDS), what);
    }

    /** A call to the cluster that may fail, time out or be interrupted. */
    private interface Step<T> {
        T run() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /** Runs a step; a failure becomes a one-line {@link SetupException} that says what could not be done. */
    private <T> T step(Step<T> step, String what) {
        try {
            return step.run();
        } catch (ExecutionException e) {
            throw new SetupException("cannot " + what + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new SetupException("cannot " + what + ": no answer within " + timeoutSeconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted while trying to " + what);
        }
    }

    static void printCommands(
            PrintStream out,
            ExfilguardConfig config,
            List<TopicSpec> topics,
            List<SubjectSpec> subjects,
            List<String> acls,
            short replicationFactor) {
        String bootstrap = config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS);
        out.println("# topics");
        for (TopicSpec spec : topics) {
            StringBuilder cmd = new StringBuilder("kafka-topics.sh --bootstrap-server " + bootstrap
                    + " --create --if-not-exists --topic " + spec.name() + " --partitions " + spec.partitions());
            if (replicationFactor > 0) {
                cmd.append(" --replication-factor ").append(replicationFactor);
            }
            spec.configs().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> cmd.append(" --config ")
                            .append(e.getKey())
                            .append('=')
                            .append(e.getValue()));
            out.println(cmd);
        }
        out.println("# schemas (Confluent REST API: Confluent Schema Registry, Apicurio ccompat, Karapace, Redpanda)");
        String registry = config.getString(ExfilguardConfig.SCHEMA_REGISTRY_URL)
                .split(",")[0]
                .trim();
        for (SubjectSpec s : subjects) {
            String body =
                    JSON.createObjectNode().put("schema", s.schema().toString()).toString();
            out.println("curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' " + registry
                    + "/subjects/" + s.subject() + "/versions --data '" + body.replace("'", "'\\''") + "'");
        }
        out.println("# ACLs");
        for (String acl : acls) {
            out.println(aclCommand(bootstrap, acl));
        }
    }

    /** The kafka-acls.sh command of an ACL line as {@link #acls} writes it. */
    static String aclCommand(String bootstrap, String acl) {
        String[] words = acl.split(" ");
        String principal = words[1];
        String operations = words[2];
        String type = words[4];
        String name = words[5];
        boolean prefixed = acl.endsWith("(prefixed)");
        StringBuilder cmd = new StringBuilder(
                "kafka-acls.sh --bootstrap-server " + bootstrap + " --add --allow-principal " + principal);
        for (String op : operations.split(",")) {
            cmd.append(" --operation ").append(op);
        }
        switch (type) {
            case "topic" -> cmd.append(" --topic ").append(name);
            case "group" -> cmd.append(" --group ").append(name);
            case "transactional-id" -> cmd.append(" --transactional-id ").append(name);
            default -> cmd.append(" --cluster");
        }
        if (prefixed) {
            cmd.append(" --resource-pattern-type prefixed");
        }
        return cmd.toString();
    }

    /** A set-up step that failed, with a message that names the host, topic or subject. */
    static final class SetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SetupException(String message) {
            super(message);
        }
    }
}
