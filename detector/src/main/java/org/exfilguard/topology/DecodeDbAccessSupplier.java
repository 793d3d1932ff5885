package org.exfilguard.topology;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;

/**
 * Decodes {@code db-access} records and validates them. A good event goes on keyed by account and stamped with
 * its own event time; an undecodable or invalid record goes to the dead-letter sink with the reason, source
 * topic, partition and offset in its headers, a counter moves, and processing goes on.
 */
final class DecodeDbAccessSupplier implements ProcessorSupplier<byte[], byte[], Object, Object> {

    static final String SOURCE = "db-access";

    private final Deserializer<DbAccessEvent> deserializer;
    private final EventValidator validator;
    private final DetectorMetrics metrics;
    private final String eventsChild;
    private final String deadLetterChild;
    private final Set<StoreBuilder<?>> stores;
    private final Clock wallClock;

    DecodeDbAccessSupplier(Deserializer<DbAccessEvent> deserializer, EventValidator validator, Clock wallClock,
                           DetectorMetrics metrics, String eventsChild, String deadLetterChild) {
        this.wallClock = wallClock;
        this.deserializer = deserializer;
        this.validator = validator;
        this.metrics = metrics;
        this.eventsChild = eventsChild;
        this.deadLetterChild = deadLetterChild;
        this.stores = Set.of();
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return stores;
    }

    @Override
    public Processor<byte[], byte[], Object, Object> get() {
        return new DecodeProcessor();
    }

    private final class DecodeProcessor implements Processor<byte[], byte[], Object, Object> {

        private ProcessorContext<Object, Object> context;
        private KeyValueStore<String, Long> clock;

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            this.clock = context.getStateStore(StoreNames.EVENT_CLOCK);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String topic = context.recordMetadata().map(m -> m.topic()).orElse(SOURCE);
            DbAccessEvent event;
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
            Optional<EventValidator.Rejection> rejection = validator.check(event, wallClock.instant());
            if (rejection.isPresent()) {
                deadLetter(record, "validate", rejection.get().code(), rejection.get().message());
                return;
            }
            long at = event.getEventTime().toEpochMilli();
            Long clockMillis = clock.get(EventClock.KEY);
            if (clockMillis == null || at > clockMillis) {
                clock.put(EventClock.KEY, at);
            }
            metrics.eventTime(at);
            context.forward(new Record<Object, Object>(event.getAccount(), event, at, record.headers()), eventsChild);
        }

        private void deadLetter(Record<byte[], byte[]> record, String stage, String reason, String message) {
            metrics.deadLetter(SOURCE, reason);
            context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(),
                    DeadLetters.headers(record.headers(), stage, reason, message, context.recordMetadata().orElse(null))),
                    deadLetterChild);
        }
    }
}
