package org.exfilguard.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/** Times applications from start until their group has committed the end of the input topic. */
final class Measurement {

    private Measurement() {}

    /**
     * Starts the apps (instances of one application id), waits until {@code group} has committed every offset of
     * {@code topic}, and stops the clock. The apps are left running for the caller to inspect and close.
     */
    static RunResult measure(
            BenchCluster cluster,
            String name,
            String group,
            String topic,
            Duration timeout,
            List<? extends BenchApp> apps)
            throws Exception {
        return measure(cluster, name, group, List.of(topic), timeout, apps);
    }

    /** As above, until the group has committed the end of every one of {@code topics}. */
    static RunResult measure(
            BenchCluster cluster,
            String name,
            String group,
            List<String> topics,
            Duration timeout,
            List<? extends BenchApp> apps)
            throws Exception {
        Map<TopicPartition, Long> ends = new java.util.LinkedHashMap<>();
        for (String topic : topics) {
            ends.putAll(cluster.endOffsets(topic));
        }
        long events = ends.values().stream().mapToLong(Long::longValue).sum();
        System.gc();
        boolean peakReset = ProcessStats.resetPeakRss();
        Duration cpu0 = ProcessStats.selfCpu();
        Duration broker0 = ProcessStats.cpuOf(cluster.broker().pid());
        long t0 = System.nanoTime();
        for (BenchApp app : apps) {
            app.start();
        }
        cluster.awaitCommitted(group, ends, timeout, () -> apps.forEach(BenchApp::check));
        Duration wall = Duration.ofNanos(System.nanoTime() - t0);
        Duration cpu = ProcessStats.selfCpu().minus(cpu0);
        Duration broker = ProcessStats.cpuOf(cluster.broker().pid()).minus(broker0);
        OptionalLong peak = peakReset ? ProcessStats.peakRssBytes() : OptionalLong.empty();
        return new RunResult(name, events, wall, cpu, broker, peak);
    }
}
