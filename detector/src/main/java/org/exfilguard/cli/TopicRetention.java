package org.exfilguard.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.exfilguard.ingest.EventTimes;

/**
 * Makes sure topics keep replayed records. A broker ages log segments by their records' timestamps, and replay
 * stamps records with their (old) event time: into a topic with the default 7-day retention, every record older
 * than 7 days is deleted within minutes of arriving. So before sending, each topic's {@code retention.ms} (and
 * {@code message.timestamp.before.max.ms}, above which the broker refuses old timestamps outright) is compared
 * with the age of the oldest event; missing topics are created with {@code retention.ms=-1}.
 */
final class TopicRetention {

    /**
     * Slack on top of the oldest event's age: the replay itself takes time and the detector must read the records
     * after it, so a retention that only just covers the data today would not cover it tomorrow.
     */
    static final Duration MARGIN = Duration.ofDays(1);

    /** What was done or found, per topic, in order. */
    record Outcome(List<String> created, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private TopicRetention() {}

    static Outcome ensure(
            Admin admin, Collection<String> topics, Instant oldestEvent, Instant now, boolean create, int partitions)
            throws ExecutionException, InterruptedException {
        Duration needed = Duration.between(oldestEvent, now).plus(MARGIN);
        List<String> created = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        Map<String, KafkaFuture<?>> described =
                new LinkedHashMap<>(admin.describeTopics(topics).topicNameValues());
        for (String topic : topics) {
            try {
                described.get(topic).get();
                existing.add(topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                if (!create) {
                    problems.add("topic '" + topic
                            + "' does not exist; create it with retention.ms=-1 or run with --create-topics");
                    continue;
                }
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) -1)
                                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"))))
                            .all()
                            .get();
                    created.add(topic);
                } catch (ExecutionException ce) {
                    if (!(ce.getCause() instanceof TopicExistsException)) {
                        throw ce;
                    }
                    existing.add(topic);
                }
            }
        }
        if (!created.isEmpty()) {
            try {
                TopicsReady.await(admin, created, Duration.ofSeconds(30));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ExecutionException(
                        "the brokers did not report the new topics " + created + " within 30 s", e);
            }
        }
        if (!existing.isEmpty()) {
            List<ConfigResource> resources = existing.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get();
            for (ConfigResource r : resources) {
                problems.addAll(check(r.name(), configs.get(r), oldestEvent, now, needed));
            }
        }
        return new Outcome(List.copyOf(created), List.copyOf(problems));
    }

    static List<String> check(String topic, Config config, Instant oldestEvent, Instant now, Duration needed) {
        List<String> problems = new ArrayList<>();
        Duration age = Duration.between(oldestEvent, now);
        long retention = millis(config, TopicConfig.RETENTION_MS_CONFIG);
        if (retention >= 0 && retention < needed.toMillis()) {
            problems.add(String.format(
                    "topic '%s' keeps records for %s (retention.ms=%d), but the oldest event to replay is %s old "
                            + "(%s): the broker ages segments by record timestamp and would delete the replayed records older than %s "
                            + "within minutes. Raise it first, e.g. kafka-configs.sh --bootstrap-server HOST:PORT --alter "
                            + "--entity-type topics --entity-name %s --add-config retention.ms=-1 (or at least %d), or replay newer logs.",
                    topic,
                    human(Duration.ofMillis(retention)),
                    retention,
                    human(age),
                    oldestEvent,
                    human(Duration.ofMillis(retention)),
                    topic,
                    needed.toMillis()));
        }
        long before = millis(config, "message.timestamp.before.max.ms");
        if (before >= 0 && before < needed.toMillis()) {
            problems.add(String.format(
                    "topic '%s' refuses records whose timestamp is more than %s old "
                            + "(message.timestamp.before.max.ms=%d), and the oldest event is %s old. Raise it "
                            + "(--add-config message.timestamp.before.max.ms=%d) before replaying.",
                    topic, human(Duration.ofMillis(before)), before, human(age), Long.MAX_VALUE));
        }
        return problems;
    }

    private static long millis(Config config, String key) {
        ConfigEntry e = config == null ? null : config.get(key);
        if (e == null || e.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(e.value().trim());
        } catch (NumberFormatException ex) {
            return -1;
        }
    }

    /**
     * How far ahead of its clock every one of {@code topics} accepts a record timestamp: the smallest
     * {@code message.timestamp.after.max.ms} (Kafka 4 brokers default to one hour). A topic whose configuration
     * cannot be read (no DescribeConfigs permission) counts with the broker default.
     */
    static Duration acceptedAhead(Admin admin, Collection<String> topics) throws InterruptedException {
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                .toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get();
        } catch (ExecutionException e) {
            return EventTimes.KAFKA_DEFAULT_AHEAD;
        }
        long min = Long.MAX_VALUE;
        for (ConfigResource r : resources) {
            long after = millis(configs.get(r), "message.timestamp.after.max.ms");
            min = Math.min(min, after < 0 ? EventTimes.KAFKA_DEFAULT_AHEAD.toMillis() : after);
        }
        return Duration.ofMillis(min);
    }

    static String human(Duration d) {
        long hours = d.toHours();
        if (hours >= 48) {
            return (hours / 24) + " d" + (hours % 24 == 0 ? "" : " " + hours % 24 + " h");
        }
        return hours > 0 ? hours + " h" : d.toMinutes() + " min";
    }
}
