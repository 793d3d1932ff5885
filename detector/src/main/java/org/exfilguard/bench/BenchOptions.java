package org.exfilguard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.exfilguard.config.ExfilguardConfig;

/**
 * What every benchmark mode shares: input size, key count, seed, partitions, where the broker and the state live.
 *
 * @param events     events produced (once) into the input topic
 * @param keys       (account, sensitive table) keys the events spread over
 * @param seed       generator seed: the same seed gives the same input
 * @param partitions partitions of the input and output topics
 * @param workDir    broker data and state stores; deleted by nobody but the caller
 * @param timeout    give up on a run after this long
 * @param brokerHeap -Xmx of the broker JVM
 * @param mix        how row counts are drawn ({@link BenchWorkload.Mix})
 * @param detector   the detector under measurement for a configuration, wired as {@code run} wires it
 */
public record BenchOptions(
        long events,
        int keys,
        long seed,
        int partitions,
        Path workDir,
        Duration timeout,
        String brokerHeap,
        BenchWorkload.Mix mix,
        Function<ExfilguardConfig, BenchApp> detector) {

    /** Event time of the first backlog event: a fixed Monday, so a seed fixes the input exactly. */
    public static final Instant BACKLOG_START = Instant.parse("2025-06-02T00:00:00Z");
    /** Event time the backlog covers, as in the measured facts of DESIGN.md. */
    public static final Duration BACKLOG_SPAN = Duration.ofDays(14);

    public BenchWorkload workload() {
        return BenchWorkload.of(keys, seed, mix);
    }

    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "%,d events over %,d account/table keys (%,d accounts), %d days of event time, %s mix, seed %d, %d partitions",
                events,
                keys,
                workload().accounts(),
                BACKLOG_SPAN.toDays(),
                mix.name().toLowerCase(java.util.Locale.ROOT),
                seed,
                partitions);
    }
}
