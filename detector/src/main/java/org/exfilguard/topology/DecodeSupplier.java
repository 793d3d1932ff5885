package org.exfilguard.topology;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.metrics.DetectorMetrics;

/**
 * Decodes a canonical-event topic and validates each event. A good event goes on keyed by {@code key} and
 * stamped with its own event time; an undecodable or invalid record goes to the dead-letter sink with the reason,
 * source topic, partition and offset in its headers, a counter moves, and processing goes on.
 */
final class DecodeSupplier<T extends SpecificRecord> implements ProcessorSupplier<byte[], byte[], Object, Object> {

    private final String source;
    private final Deserializer<T> deserializer;
    private final BiFunction<T, Instant, Optional<EventValidator.Rejection>> validator;
    private final Function<T, String> key;
    private final Function<T, Instant> eventTime;
    private final Clock wallClock;
    private final DetectorMetrics metrics;
    /** The children every good event (and the end of input) goes to. */
    private final List<String> eventsChildren;
    /** What the events child receives for an event (the event itself, or the child's typed input wrapping it). */
    private final Function<T, Object> forwardAs;

    private final String deadLetterChild;
    private final boolean tracksEventClock;
    private final java.time.Duration maxLateness;

    /**
     * With {@code tracksEventClock}, the task's newest event time is kept, and an event older than it by more than
     * {@code maxLateness} (the longest window: it could count in none) is dead-lettered as too late.
     */
    DecodeSupplier(
            String source,
            Deserializer<T> deserializer,
            BiFunction<T, Instant, Optional<EventValidator.Rejection>> validator,
            Function<T, String> key,
            Function<T, Instant> eventTime,
            Clock wallClock,
            DetectorMetrics metrics,
            List<String> eventsChildren,
            Function<T, Object> forwardAs,
            String deadLetterChild,
            boolean tracksEventClock,
            java.time.Duration maxLateness) {
        this.forwardAs = forwardAs;
        this.maxLateness = maxLateness;
        this.source = source;
        this.deserializer = deserializer;
        this.validator = validator;
        this.key = key;
        this.eventTime = eventTime;
        this.wallClock = wallClock;
        this.metrics = metrics;
        this.eventsChildren = List.copyOf(eventsChildren);
        this.deadLetterChild = deadLetterChild;
        this.tracksEventClock = tracksEventClock;
    }

    @Override
    public Processor<byte[], byte[], Object, Object> get() {
        return new DecodeProcessor();
    }

    private final class DecodeProcessor implements Processor<byte[], byte[], Object, Object> {

        private ProcessorContext<Object, Object> context;
        private KeyValueStore<String, Long> clock;
        /** The stored clock, read once per task start: this processor is its only writer. */
        private Long cachedClock;

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            if (tracksEventClock) {
                this.clock = context.getStateStore(StoreNames.EVENT_CLOCK);
                this.cachedClock = clock.get(EventClock.KEY);
            }
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(source);
            if (EndOfInput.marks(record.headers())) {
                for (String child : eventsChildren) {
                    context.forward(new Record<Object, Object>(null, EndOfInput.INSTANCE, record.timestamp()), child);
                }
                return;
            }
            T event;
            try {
                if (record.value() == null) {
                    deadLetter(record, "decode", "null_value", "record has no value (tombstone)");
                    return;
                }
                event = deserializer.deserialize(topic, record.headers(), record.value());
            } catch (RuntimeException e) {
                if (DecodeErrors.isTransient(e)) {
                    throw e;
                }
                deadLetter(record, "decode", DecodeErrors.reason(e), DecodeErrors.message(e));
                return;
            }
            Optional<EventValidator.Rejection> rejection = validator.apply(event, wallClock.instant());
            if (rejection.isPresent()) {
                deadLetter(
                        record,
                        "validate",
                        rejection.get().code(),
                        rejection.get().message());
                return;
            }
            long at = eventTime.apply(event).toEpochMilli();
            if (tracksEventClock) {
                Long clockMillis = cachedClock;
                if (clockMillis != null && at < clockMillis - maxLateness.toMillis()) {
                    deadLetter(
                            record,
                            "validate",
                            "too_late",
                            "event_time " + Instant.ofEpochMilli(at) + " is more than "
                                    + maxLateness + " (the longest window) behind the newest event ("
                                    + Instant.ofEpochMilli(clockMillis)
                                    + "): it would count in no window");
                    return;
                }
                long tick = EventClock.tick(at);
                if (clockMillis == null || tick > clockMillis) {
                    clock.put(EventClock.KEY, tick);
                    cachedClock = tick;
                }
            }
            metrics.eventTime(at);
            Record<Object, Object> forwarded =
                    new Record<Object, Object>(key.apply(event), forwardAs.apply(event), at, record.headers());
            for (String child : eventsChildren) {
                context.forward(forwarded, child);
            }
        }

        private void deadLetter(Record<byte[], byte[]> record, String stage, String reason, String message) {
            metrics.deadLetter(source, reason);
            context.forward(
                    new Record<Object, Object>(
                            record.key(),
                            record.value(),
                            record.timestamp(),
                            DeadLetters.headers(
                                    record.headers(),
                                    stage,
                                    reason,
                                    message,
                                    context.recordMetadata().orElse(null))),
                    deadLetterChild);
        }
    }
}
