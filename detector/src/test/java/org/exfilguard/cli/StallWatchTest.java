package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StallWatchTest {

    private static Metric value(double v) {
        return new Metric() {
            @Override
            public MetricName metricName() {
                return null;
            }

            @Override
            public Object metricValue() {
                return v;
            }
        };
    }

    private static Map<MetricName, Metric> metrics(double processed, double lag) {
        Map<MetricName, Metric> m = new HashMap<>();
        m.put(
                new MetricName("process-total", "stream-thread-metrics", "", Map.of("thread-id", "t1")),
                value(processed));
        m.put(
                new MetricName(
                        "records-lag-max", "consumer-fetch-manager-metrics", "", Map.of("client-id", "t1-consumer")),
                value(lag));
        m.put(
                new MetricName(
                        "records-lag-max",
                        "consumer-fetch-manager-metrics",
                        "",
                        Map.of("client-id", "t1-restore-consumer")),
                value(1e9));
        return m;
    }

    @Test
    void reportsAStallOnlyWhenInputWaitsAndNothingMovesForTheTimeout() {
        StallWatch watch = new StallWatch(Duration.ofSeconds(60), 0);
        KafkaStreams.State running = KafkaStreams.State.RUNNING;
        assertThat(watch.check(metrics(100, 500), running, 1_000)).isEmpty();
        assertThat(watch.check(metrics(100, 500), running, 30_000))
                .as("not yet a minute")
                .isEmpty();
        assertThat(watch.check(metrics(100, 500), running, 61_500))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("no record processed for 60 s")
                .contains("lag up to 500");
    }

    @Test
    void progressIdlenessAndRebalancingAreNotStalls() {
        StallWatch watch = new StallWatch(Duration.ofSeconds(60), 0);
        KafkaStreams.State running = KafkaStreams.State.RUNNING;
        assertThat(watch.check(metrics(100, 500), running, 1_000)).isEmpty();
        assertThat(watch.check(metrics(200, 500), running, 70_000))
                .as("processing moved")
                .isEmpty();
        assertThat(watch.check(metrics(200, 0), running, 200_000))
                .as("nothing waits: idle, not stalled")
                .isEmpty();
        assertThat(watch.check(metrics(200, 500), KafkaStreams.State.REBALANCING, 500_000))
                .isEmpty();
        assertThat(watch.check(metrics(200, 500), running, 530_000))
                .as("the clock restarts after a rebalance")
                .isEmpty();
        assertThat(new StallWatch(Duration.ZERO, 0).check(metrics(1, 500), running, 10_000_000))
                .as("0 turns it off")
                .isEmpty();
    }

    @Test
    void restorationIsProgressWhileBatchesArriveAndAStallWhenNoneDo() throws Exception {
        StallWatch watch = new StallWatch(Duration.ofMillis(300), System.currentTimeMillis());
        TopicPartition changelog = new TopicPartition("outage-read-profiles-changelog", 0);
        watch.onRestoreStart(changelog, "read-profiles", 0, 1_000_000);
        for (int i = 0; i < 3; i++) {
            Thread.sleep(150);
            watch.onBatchRestored(changelog, "read-profiles", 1_000L * i, 1_000);
            assertThat(watch.check(metrics(0, 500), KafkaStreams.State.RUNNING, System.currentTimeMillis()))
                    .isEmpty();
        }
        Thread.sleep(400);
        assertThat(watch.check(metrics(0, 500), KafkaStreams.State.RUNNING, System.currentTimeMillis()))
                .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("no changelog record restored");
        watch.onRestoreEnd(changelog, "read-profiles", 3_000);
        assertThat(watch.check(metrics(0, 500), KafkaStreams.State.RUNNING, System.currentTimeMillis()))
                .isEmpty();
    }
}
