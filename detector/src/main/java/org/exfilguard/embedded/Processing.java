package org.exfilguard.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Knowing when a Kafka Streams application has processed everything fed to it: its committed offsets (which, under
 * exactly-once, move only with the transaction that wrote the results) reach the topics' end offsets.
 */
public final class Processing {

    private Processing() {}

    /** The end offsets of every partition of {@code topics}, now. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (TopicDescription d :
                admin.describeTopics(topics).allTopicNames().get().values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * Waits until consumer group {@code group} has committed, on every partition of {@code topics}, at least the
     * end offset the partition had when this was called. {@code progress} gets the committed records so far (summed
     * over partitions) about four times a second; {@code failed} aborts the wait early.
     *
     * @throws IllegalStateException when {@code timeout} passes first or {@code failed} turns true
     */
    public static void awaitCommitted(
            Admin admin,
            String group,
            Collection<String> topics,
            Duration timeout,
            LongConsumer progress,
            BooleanSupplier failed)
            throws Exception {
        Map<TopicPartition, Long> ends = endOffsets(admin, topics);
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Map<TopicPartition, OffsetAndMetadata> committed = committedWhileRunning(admin, group, failed);
            long done = 0;
            boolean all = true;
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long at = c == null ? 0 : Math.min(c.offset(), e.getValue());
                done += at;
                all &= e.getValue() == 0 || at >= e.getValue();
            }
            progress.accept(done);
            if (all) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the detector did not process its input within " + timeout);
    }

    /**
     * Waits for topics the application writes itself and reads again (repartition and signal topics) to be drained
     * by group {@code group}, round after round until their end offsets stop moving. Such topics are written in
     * transactions under exactly-once, so each partition ends with a commit marker the consumer need not commit
     * past: a partition counts as drained at one below its end offset (an unread data record would be followed by
     * its transaction's marker, leaving the committed offset at least two below the end).
     */
    public static void awaitDrained(
            Admin admin, String group, Collection<String> topics, Duration timeout, BooleanSupplier failed)
            throws Exception {
        if (topics.isEmpty()) {
            return;
        }
        Instant deadline = Instant.now().plus(timeout);
        Map<TopicPartition, Long> ends = endOffsets(admin, topics);
        while (Instant.now().isBefore(deadline)) {
            Map<TopicPartition, OffsetAndMetadata> committed = committedWhileRunning(admin, group, failed);
            boolean all = ends.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue() == 0 || (c != null && c.offset() >= e.getValue() - 1);
            });
            if (all) {
                Map<TopicPartition, Long> now = endOffsets(admin, topics);
                if (now.equals(ends)) {
                    return;
                }
                ends = now;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the detector did not drain " + topics + " within " + timeout);
    }

    /** The offsets {@code group} has committed, once {@code failed} says the detector still runs. */
    private static Map<TopicPartition, OffsetAndMetadata> committedWhileRunning(
            Admin admin, String group, BooleanSupplier failed) throws Exception {
        if (failed.getAsBoolean()) {
            throw new IllegalStateException("the detector stopped before it had processed its input");
        }
        return admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
    }

    /** The topics consumer group {@code group}'s members are assigned, sorted. */
    public static java.util.SortedSet<String> assignedTopics(Admin admin, String group)
            throws ExecutionException, InterruptedException {
        java.util.SortedSet<String> topics = new java.util.TreeSet<>();
        admin.describeConsumerGroups(java.util.List.of(group))
                .describedGroups()
                .get(group)
                .get()
                .members()
                .forEach(m -> m.assignment().topicPartitions().forEach(tp -> topics.add(tp.topic())));
        return topics;
    }

    /** As above without progress reporting or an abort condition. */
    public static void awaitCommitted(Admin admin, String group, Collection<String> topics, Duration timeout)
            throws Exception {
        awaitCommitted(admin, group, topics, timeout, done -> {}, () -> false);
    }
}
