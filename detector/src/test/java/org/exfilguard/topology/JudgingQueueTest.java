package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class JudgingQueueTest {

    @Test
    void hostsDueByABoundComeInTheStoresKeyOrder() {
        JudgingQueue queue = new JudgingQueue();
        queue.put("10.0.0.9", 300);
        queue.put("10.0.0.10", 100);
        queue.put("10.0.0.100", 200);
        queue.put("fe80::1", 900);

        assertThat(queue.dueBy(99)).isEmpty();
        assertThat(queue.dueBy(200)).containsExactly("10.0.0.10", "10.0.0.100");
        assertThat(queue.dueBy(300)).containsExactly("10.0.0.10", "10.0.0.100", "10.0.0.9");

        queue.put("10.0.0.10", 1_000);
        queue.remove("10.0.0.100");
        queue.remove("10.0.0.77");
        assertThat(queue.dueBy(300)).as("moved, removed, never watched").containsExactly("10.0.0.9");
        assertThat(queue.contains("10.0.0.77")).isFalse();
        assertThat(queue.size()).isEqualTo(3);
    }

    /** Against a plain map and a scan in the order a RocksDB store iterates its keys (their bytes, unsigned). */
    @Test
    void randomUpdatesAgreeWithAScanOfEveryWatchedHost() {
        Random random = new Random(17);
        JudgingQueue queue = new JudgingQueue();
        Map<String, Long> reference = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            String ip = random.nextInt(3) == 0
                    ? "2001:db8::" + Integer.toHexString(random.nextInt(200))
                    : "10.0." + random.nextInt(4) + "." + random.nextInt(200);
            long bound = random.nextInt(10) == 0 ? Long.MIN_VALUE : random.nextInt(1_000);
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    queue.put(ip, bound);
                    reference.put(ip, bound);
                }
                case 2 -> {
                    // As the processor moves a host's bound when it writes the host: only while it is watched.
                    if (queue.contains(ip)) {
                        queue.put(ip, bound);
                    }
                    reference.computeIfPresent(ip, (k, v) -> bound);
                }
                default -> {
                    queue.remove(ip);
                    reference.remove(ip);
                }
            }
            long at = random.nextInt(1_100);
            TreeMap<Bytes, String> scan = new TreeMap<>();
            reference.forEach((k, v) -> {
                if (v <= at) {
                    scan.put(Bytes.wrap(k.getBytes(StandardCharsets.UTF_8)), k);
                }
            });
            assertThat(queue.dueBy(at)).isEqualTo(new ArrayList<>(scan.values()));
            assertThat(queue.size()).isEqualTo(reference.size());
        }
        assertThat(List.of(queue.size())).allMatch(n -> n > 0);
    }
}
