package org.exfilguard.topology;

import java.time.Duration;

/**
 * How the read and egress sides keep their correlation in event time.
 *
 * @param readPartitions    read tasks (partitions of the db-access topic): the egress side waits for a watermark
 *                          from each
 * @param idle              live runs: a side without input for this long is not waited for (zero: always wait, as a
 *                          backtest does, which ends its input with {@link EndOfInput})
 * @param watermarkInterval how often (wall time) each read task sends its watermark
 * @param follow            a read task whose reads have stopped for this long (wall time, counted in watermark
 *                          intervals that came on time) follows the other read tasks' peer day (zero: never; a backtest
 *                          ends every partition with {@link EndOfInput} instead)
 */
public record Correlation(int readPartitions, Duration idle, Duration watermarkInterval, Duration follow) {

    /** Default of {@code correlation.idle.seconds}. */
    public static final int DEFAULT_IDLE_SECONDS = 30;
    /** Default of {@code correlation.watermark.interval.ms}. */
    public static final int DEFAULT_WATERMARK_INTERVAL_MS = 200;
    /** Default of {@code correlation.follow.ms}. */
    public static final int DEFAULT_FOLLOW_MS = 2_000;

    public Correlation {
        if (readPartitions < 1) {
            throw new IllegalArgumentException("readPartitions must be at least 1, not " + readPartitions);
        }
    }

    /** One read task, waiting for both sides always: deterministic wherever it runs (the tests' driver). */
    public static Correlation exact(int readPartitions) {
        return new Correlation(
                readPartitions,
                Duration.ZERO,
                Duration.ofMillis(DEFAULT_WATERMARK_INTERVAL_MS),
                Duration.ofMillis(DEFAULT_FOLLOW_MS));
    }
}
