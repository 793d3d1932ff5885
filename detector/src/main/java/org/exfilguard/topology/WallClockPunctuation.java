package org.exfilguard.topology;

import java.time.Duration;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Schedules a wall-clock punctuation whose timeout stops the stream thread instead of corrupting one task.
 *
 * <p>Under exactly-once v2, a {@link TimeoutException} from a punctuation (a send that waited {@code max.block.ms}
 * for a broker that was down) marks that one task corrupted; Kafka Streams then commits the thread's transaction for
 * the other tasks, and that transaction also holds what the corrupted task had sent since its last commit: its
 * alerts and changelog writes are committed, its input offsets are not, and the revived task reads that input
 * again. When the broker came back within that window, an alert was published twice (DetectorRestartIT, broker
 * outage). Any other failure stops the thread: every task closes dirty, the transaction is aborted, and the detector
 * exits for its supervisor to restart it ({@code RunCommand}), reading on from the last commit.
 */
final class WallClockPunctuation {

    private WallClockPunctuation() {}

    /** {@code context.schedule(interval, WALL_CLOCK_TIME, punctuator)}, with a timeout turned fatal. */
    static void schedule(ProcessorContext<?, ?> context, Duration interval, String what, Punctuator punctuator) {
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, failFast(context, what, punctuator));
    }

    private static Punctuator failFast(ProcessorContext<?, ?> context, String what, Punctuator punctuator) {
        return timestamp -> {
            try {
                punctuator.punctuate(timestamp);
            } catch (TimeoutException e) {
                throw new IllegalStateException(
                        what + " of task " + context.taskId() + " timed out (" + e.getMessage()
                                + "); stopping rather than reviving the task in place, which under exactly-once"
                                + " would repeat its output",
                        e);
            }
        };
    }
}
