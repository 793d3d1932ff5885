package org.exfilguard.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.exfilguard.topology.Topics;

/**
 * Creates the topics between the detector's own processors when they are missing, with the partition counts
 * their co-partitioning needs: read signals are keyed by client ip beside {@code egress}, egress updates by
 * account beside {@code db-access}.
 */
public final class InternalTopics {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InternalTopics.class);

    /**
     * Records carry old event times during a replay, so time-based retention would delete them before they are
     * read; size bounds them instead.
     */
    static final Map<String, String> CONFIGS = Map.of("retention.ms", "-1", "retention.bytes", Long.toString(1L << 30));

    /**
     * How long a topic created a moment before (by this detector, by {@code setup}, or by whoever made the input
     * topics) may stay unknown to the broker that answers a describe ({@link TopicsReady}; ScaleOutIT failed with
     * {@code UnknownTopicOrPartitionException} on the egress topic created just before).
     */
    static final Duration METADATA_WAIT = Duration.ofSeconds(30);

    private InternalTopics() {}

    public static void ensure(Admin admin, Topics topics, boolean rawTopics) throws InterruptedException {
        try {
            Set<String> existing = admin.listTopics().names().get();
            if (!existing.contains(topics.dbAccess())) {
                throw new IllegalStateException("the input topic " + topics.dbAccess() + " does not exist: create it"
                        + " (keyed by account) before starting the detector");
            }
            if (!existing.contains(topics.egress())) {
                // Egress logs are optional: without them the detector still profiles reads, and the topic exists
                // for the day flow logs are shipped. Same partitions as db-access, broker-default retention.
                int partitions = TopicsReady.await(admin, List.of(topics.dbAccess()), METADATA_WAIT)
                        .get(topics.dbAccess())
                        .partitions()
                        .size();
                log.warn(
                        "input topic {} does not exist; creating it empty ({} partitions) so reads are profiled without egress",
                        topics.egress(),
                        partitions);
                admin.createTopics(List.of(new NewTopic(topics.egress(), partitions, (short) -1)))
                        .all()
                        .get();
            }
            Map<String, TopicDescription> inputs =
                    TopicsReady.await(admin, List.of(topics.dbAccess(), topics.egress()), METADATA_WAIT);
            List<NewTopic> missing = new ArrayList<>();
            if (!existing.contains(topics.readSignals())) {
                missing.add(new NewTopic(
                                topics.readSignals(),
                                inputs.get(topics.egress()).partitions().size(),
                                (short) -1)
                        .configs(CONFIGS));
            }
            if (!existing.contains(topics.egressUpdates())) {
                missing.add(new NewTopic(
                                topics.egressUpdates(),
                                inputs.get(topics.dbAccess()).partitions().size(),
                                (short) -1)
                        .configs(CONFIGS));
            }
            if (!existing.contains(topics.tableReads())) {
                // Keyed by table: any count works; db-access's lets the table side spread as the read side does.
                missing.add(new NewTopic(
                                topics.tableReads(),
                                inputs.get(topics.dbAccess()).partitions().size(),
                                (short) -1)
                        .configs(CONFIGS));
            }
            if (!existing.contains(topics.peerDays())) {
                // Every read task sends to every partition; each read task reads its own.
                missing.add(new NewTopic(
                                topics.peerDays(),
                                inputs.get(topics.dbAccess()).partitions().size(),
                                (short) -1)
                        .configs(CONFIGS));
            }
            if (rawTopics) {
                // Shippers may start later than the detector; the raw topics match the canonical topic they feed.
                if (!existing.contains(topics.rawDbLogs())) {
                    missing.add(new NewTopic(
                            topics.rawDbLogs(),
                            inputs.get(topics.dbAccess()).partitions().size(),
                            (short) -1));
                }
                if (!existing.contains(topics.rawEgressLogs())) {
                    missing.add(new NewTopic(
                            topics.rawEgressLogs(),
                            inputs.get(topics.egress()).partitions().size(),
                            (short) -1));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                // Kafka Streams subscribes to them next: a source topic its first metadata lacks stops the client.
                TopicsReady.await(admin, missing.stream().map(NewTopic::name).toList(), METADATA_WAIT);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create the detector's internal topics " + topics.internal() + " (do the input topics "
                            + topics.inputs() + " exist?): " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create the detector's internal topics " + topics.internal() + ": the broker did not"
                            + " describe the topics within " + METADATA_WAIT,
                    e);
        }
    }
}
