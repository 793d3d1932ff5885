package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class WallClockPunctuationTest {

    private final MockProcessorContext<String, String> context = new MockProcessorContext<>();

    @Test
    void aTimeoutStopsTheThreadInsteadOfCorruptingTheTask() {
        // Kafka Streams turns a TimeoutException from a punctuation into a corrupted task under exactly-once; any
        // other exception goes to the processing exception handler, which fails the thread.
        WallClockPunctuation.schedule(context, Duration.ofMillis(200), "read watermark", ts -> {
            throw new TimeoutException("Topic exfil-read-signals not present in metadata after 10000 ms.");
        });
        MockProcessorContext.CapturedPunctuator scheduled =
                context.scheduledPunctuators().get(0);
        assertThat(scheduled.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
        assertThat(scheduled.getInterval()).isEqualTo(Duration.ofMillis(200));
        assertThatThrownBy(() -> scheduled.getPunctuator().punctuate(0))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(TimeoutException.class)
                .hasMessageContaining("read watermark of task " + context.taskId() + " timed out")
                .hasMessageContaining("exfil-read-signals")
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void otherwiseThePunctuationRunsAsWritten() {
        AtomicLong at = new AtomicLong();
        WallClockPunctuation.schedule(context, Duration.ofMillis(200), "table watermark", at::set);
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1234L);
        assertThat(at).hasValue(1234L);

        WallClockPunctuation.schedule(context, Duration.ofMillis(200), "egress idle check", ts -> {
            throw new IllegalArgumentException("a bug");
        });
        assertThatThrownBy(() ->
                        context.scheduledPunctuators().get(1).getPunctuator().punctuate(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a bug");
    }
}
