package org.exfilguard.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Notices a detector that is alive but no longer working: input waiting on its partitions (consumer lag above
 * zero) while the stream threads process nothing, or state restoration that restores nothing, for longer than the
 * configured stall timeout (a restore was seen hanging after a broker outage, waiting on its changelog). A silent
 * stall is the worst way for a detector to fail (nothing alerts, nothing complains), so the run command exits with
 * the restart code instead, and exactly-once processing resumes where the last commit left.
 */
final class StallWatch implements StateRestoreListener {

    private final Duration timeout;
    private final AtomicInteger restoring = new AtomicInteger();
    private double lastProcessed = -1;
    private long progressAtMillis;
    /** When restoration last made progress (started, restored a batch, ended); written by the restoring thread. */
    private volatile long restoredAtMillis;

    StallWatch(Duration timeout, long nowMillis) {
        this.timeout = timeout;
        this.progressAtMillis = nowMillis;
    }

    /**
     * Samples the client's metrics; returns why it is stalled when it has been stalled longer than the timeout.
     * Call regularly (every second or so) from one thread.
     */
    Optional<String> check(KafkaStreams streams, long nowMillis) {
        return check(streams.metrics(), streams.state(), nowMillis);
    }

    Optional<String> check(Map<MetricName, ? extends Metric> metrics, KafkaStreams.State state, long nowMillis) {
        if (timeout.isZero()) {
            return Optional.empty();
        }
        if (restoring.get() > 0) {
            // Restoring can take long, but each batch restored is progress; none for the timeout is a stall too.
            long stalled = nowMillis - Math.max(restoredAtMillis, progressAtMillis);
            return stalled < timeout.toMillis()
                    ? Optional.empty()
                    : Optional.of(String.format(
                            java.util.Locale.ROOT,
                            "restoring state, but no changelog record restored for %d s",
                            stalled / 1000));
        }
        double processed = sum(metrics, "stream-thread-metrics", "process-total");
        double lag = max(metrics, "consumer-fetch-manager-metrics", "records-lag-max");
        boolean idle = !(lag > 0);
        if (processed != lastProcessed || idle || state != KafkaStreams.State.RUNNING) {
            lastProcessed = processed;
            progressAtMillis = nowMillis;
            return Optional.empty();
        }
        long stalled = nowMillis - Math.max(progressAtMillis, restoredAtMillis);
        if (stalled < timeout.toMillis()) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                java.util.Locale.ROOT,
                "no record processed for %d s while input waits (consumer lag up to %.0f records)",
                stalled / 1000,
                lag));
    }

    private static double sum(Map<MetricName, ? extends Metric> metrics, String group, String name) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().group().equals(group)
                    && e.getKey().name().equals(name)
                    && e.getValue().metricValue() instanceof Number n) {
                total += n.doubleValue();
            }
        }
        return total;
    }

    private static double max(Map<MetricName, ? extends Metric> metrics, String group, String name) {
        double max = Double.NaN;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().group().equals(group)
                    && e.getKey().name().equals(name)
                    && !e.getKey().tags().containsKey("topic")
                    && !e.getKey().tags().getOrDefault("client-id", "").endsWith("restore-consumer")
                    && e.getValue().metricValue() instanceof Number n
                    && !Double.isNaN(n.doubleValue())) {
                max = Double.isNaN(max) ? n.doubleValue() : Math.max(max, n.doubleValue());
            }
        }
        return max;
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        restoredAtMillis = System.currentTimeMillis();
        restoring.incrementAndGet();
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        restoredAtMillis = System.currentTimeMillis();
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        restoredAtMillis = System.currentTimeMillis();
        restoring.decrementAndGet();
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        restoredAtMillis = System.currentTimeMillis();
        restoring.decrementAndGet();
    }
}
