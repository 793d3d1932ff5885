package org.exfilguard.ingest;

import java.time.Instant;

/**
 * The event times an event can carry: Avro's {@code timestamp-millis} is a long of milliseconds, so an instant
 * beyond about ±292 million years cannot be written, and would fail in the producer instead of the parser.
 */
final class EventTimes {

    static final Instant MIN = Instant.ofEpochMilli(Long.MIN_VALUE);
    static final Instant MAX = Instant.ofEpochMilli(Long.MAX_VALUE);
    static final String OUT_OF_RANGE = "event time out of range";

    private EventTimes() {
    }

    static boolean representable(Instant t) {
        return t != null && !t.isBefore(MIN) && !t.isAfter(MAX);
    }

    /** Epoch seconds and nanoseconds as an instant, or null when no event can carry it. */
    static Instant ofEpochSecond(long seconds, long nanos) {
        if (seconds < MIN.getEpochSecond() || seconds > MAX.getEpochSecond()) {
            return null;
        }
        Instant t = Instant.ofEpochSecond(seconds, nanos);
        return representable(t) ? t : null;
    }
}
