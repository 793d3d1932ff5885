package org.exfilguard.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waits until topics just created are visible to the brokers. Under KRaft a create returns once the controller has
 * committed it; the brokers learn of the topic from the metadata log a moment later, and a describe or a produce in
 * between fails with "This server does not host this topic-partition" (seen under load in ReplayCommandIT).
 */
final class TopicsReady {

    private static final long PAUSE_MILLIS = 50;

    private TopicsReady() {}

    /** The descriptions of the topics once every one of them can be described, or an exception after the timeout. */
    static Map<String, TopicDescription> await(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(PAUSE_MILLIS);
            }
        }
    }
}
