package org.exfilguard.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DetectorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DetectorMetrics metrics = new DetectorMetrics(registry);

    private double cacheRequests(String result) {
        return registry.get(DetectorMetrics.PROFILE_CACHE_REQUESTS)
                .tag("result", result)
                .functionCounter()
                .count();
    }

    @Test
    void profileCacheCountsSumOverTasksAndNeverGoDownWhenATaskCloses() {
        assertThat(cacheRequests("hit")).isZero();
        AtomicLong hitsA = new AtomicLong(7);
        AtomicLong missesA = new AtomicLong(3);
        Object taskA = new Object();
        Object taskB = new Object();
        metrics.trackProfileCache(taskA, hitsA::get, missesA::get);
        metrics.trackProfileCache(taskB, () -> 5, () -> 1);
        assertThat(cacheRequests("hit")).isEqualTo(12);
        assertThat(cacheRequests("miss")).isEqualTo(4);

        hitsA.set(9);
        metrics.untrackProfileCache(taskA);
        assertThat(cacheRequests("hit")).as("a closed task's hits stay counted").isEqualTo(14);
        assertThat(cacheRequests("miss")).isEqualTo(4);

        // The same task reopened on this instance starts its own counts from zero.
        metrics.trackProfileCache(taskA, () -> 2, () -> 2);
        assertThat(cacheRequests("hit")).isEqualTo(16);
        assertThat(cacheRequests("miss")).isEqualTo(6);
    }
}
