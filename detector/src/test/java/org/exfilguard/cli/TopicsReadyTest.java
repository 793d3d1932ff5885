package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

class TopicsReadyTest {

    private static final TopicDescription EGRESS = new TopicDescription("egress", false, List.of());

    /** An admin whose describe fails with {@code failure} the first {@code failures} times, then answers. */
    private static Admin admin(AtomicInteger calls, int failures, RuntimeException failure) {
        return (Admin) Proxy.newProxyInstance(
                Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (p, m, args) -> {
                    if (m.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(p, m, args);
                    }
                    if (!m.getName().equals("describeTopics")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    KafkaFutureImpl<TopicDescription> future = new KafkaFutureImpl<>();
                    if (calls.incrementAndGet() <= failures) {
                        future.completeExceptionally(failure);
                    } else {
                        future.complete(EGRESS);
                    }
                    return new DescribeTopicsResult(
                            null, Map.<String, KafkaFuture<TopicDescription>>of("egress", future)) {};
                });
    }

    @Test
    void aTopicTheBrokerDoesNotKnowYetIsAskedForAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Map<String, TopicDescription> described = TopicsReady.await(
                admin(
                        calls,
                        3,
                        new UnknownTopicOrPartitionException("This server does not host this topic-partition.")),
                List.of("egress"),
                Duration.ofSeconds(30));
        assertThat(described).containsEntry("egress", EGRESS);
        assertThat(calls).hasValue(4);
    }

    @Test
    void aTopicStillUnknownAfterTheWaitOrAnyOtherFailureIsThrown() {
        AtomicInteger unknown = new AtomicInteger();
        assertThatThrownBy(() -> TopicsReady.await(
                        admin(unknown, Integer.MAX_VALUE, new UnknownTopicOrPartitionException("unknown")),
                        List.of("egress"),
                        Duration.ofMillis(300)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(unknown.get()).isBetween(2, 10);

        AtomicInteger denied = new AtomicInteger();
        assertThatThrownBy(() -> TopicsReady.await(
                        admin(denied, 1, new TopicAuthorizationException("not authorised")),
                        List.of("egress"),
                        Duration.ofSeconds(30)))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(denied).hasValue(1);
    }
}
