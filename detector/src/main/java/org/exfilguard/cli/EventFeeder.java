package org.exfilguard.cli;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.ingest.MergedLogs;
import org.exfilguard.ingest.ParseResult;
import org.exfilguard.ingest.SourceAdvice;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.topology.Topics;

/**
 * Sends merged log events to the canonical topics as {@code run} expects them: {@code DbAccessEvent} to db-access
 * keyed by account, {@code EgressEvent} to egress keyed by source ip, Avro in the registry's wire format, and the
 * record timestamp set to the event time. Shared by {@code replay} and {@code backtest}, so both feed the detector
 * the same records in the same order.
 *
 * <p>Each event time is checked before it is sent ({@link EventTimes#check}): a broker refuses a record dated more
 * than its {@code message.timestamp.after.max.ms} ahead of its clock, and it refuses the whole batch the record is
 * in, so one event from a host with a skewed clock would otherwise abort the run. Such an event is a reject with
 * its reason, and the run goes on.
 */
final class EventFeeder {

    /** Every this many events the event time is sampled, to map a count of processed records to an event time. */
    static final int SAMPLE_EVERY = 4096;

    private final Producer<String, byte[]> producer;
    private final Topics topics;
    private final Serializer<DbAccessEvent> dbSerializer;
    private final Serializer<EgressEvent> egressSerializer;
    private final Pacer pacer;
    private final Clock wallClock;
    private final Duration maxAhead;
    private final Consumer<ParseResult.Reject> rejects;
    private final Map<String, Long> refused = new TreeMap<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final List<Instant> samples = new ArrayList<>();
    private volatile long fed;
    private final SourceAdvice advice = new SourceAdvice();
    private volatile Instant position;
    private long dbEvents;
    private long egressEvents;
    private Instant first;
    private Instant last;

    EventFeeder(
            Producer<String, byte[]> producer,
            Topics topics,
            Serializer<DbAccessEvent> dbSerializer,
            Serializer<EgressEvent> egressSerializer,
            Pacer pacer,
            Clock wallClock,
            Duration maxAhead,
            Consumer<ParseResult.Reject> rejects) {
        this.producer = producer;
        this.topics = topics;
        this.dbSerializer = dbSerializer;
        this.egressSerializer = egressSerializer;
        this.pacer = pacer;
        this.wallClock = wallClock;
        this.maxAhead = maxAhead;
        this.rejects = rejects;
    }

    /** Sends every event of {@code logs}, then flushes; throws if the broker refused any record. */
    void feed(MergedLogs logs) throws IOException, InterruptedException {
        MergedLogs.Timed t;
        while ((t = logs.next()) != null) {
            Optional<EventTimes.Refusal> refusal = EventTimes.check(t.time(), wallClock.instant(), maxAhead);
            if (refusal.isPresent()) {
                refused.merge(refusal.get().reason(), 1L, Long::sum);
                rejects.accept(new ParseResult.Reject(
                        logs.counts().get(t.input()).source(),
                        0,
                        refusal.get().reason(),
                        refusal.get().message()));
                continue;
            }
            pacer.await(t.time(), fed);
            long ts = t.time().toEpochMilli();
            if (t.event() instanceof DbAccessEvent d) {
                advice.observe(d);
                producer.send(
                        new ProducerRecord<>(
                                topics.dbAccess(),
                                null,
                                ts,
                                d.getAccount(),
                                dbSerializer.serialize(topics.dbAccess(), d)),
                        this::onSent);
                dbEvents++;
            } else if (t.event() instanceof EgressEvent g) {
                producer.send(
                        new ProducerRecord<>(
                                topics.egress(),
                                null,
                                ts,
                                g.getSrcIp(),
                                egressSerializer.serialize(topics.egress(), g)),
                        this::onSent);
                egressEvents++;
            }
            if (first == null) {
                first = t.time();
            }
            last = t.time();
            if (fed % SAMPLE_EVERY == 0) {
                synchronized (samples) {
                    samples.add(t.time());
                }
            }
            position = t.time();
            fed++;
            Exception failure = sendFailure.get();
            if (failure != null) {
                throw new IllegalStateException("the broker refused a record: " + failure.getMessage(), failure);
            }
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException(
                    "the broker refused a record: " + sendFailure.get().getMessage(), sendFailure.get());
        }
    }

    /**
     * Ends a finite input: an {@link org.exfilguard.topology.EndOfInput} record on every partition of both canonical
     * topics, after the last event, so the detector judges the correlation to the end instead of waiting for more.
     */
    void endOfInput(int dbPartitions, int egressPartitions) {
        long ts = last == null ? 0 : last.toEpochMilli();
        org.apache.kafka.common.header.Headers headers = org.exfilguard.topology.EndOfInput.headers();
        for (int p = 0; p < dbPartitions; p++) {
            producer.send(new ProducerRecord<>(topics.dbAccess(), p, ts, null, new byte[0], headers), this::onSent);
        }
        for (int p = 0; p < egressPartitions; p++) {
            producer.send(new ProducerRecord<>(topics.egress(), p, ts, null, new byte[0], headers), this::onSent);
        }
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException(
                    "the broker refused a record: " + sendFailure.get().getMessage(), sendFailure.get());
        }
    }

    private void onSent(Object metadata, Exception e) {
        if (e != null) {
            sendFailure.compareAndSet(null, e);
        }
    }

    long fed() {
        return fed;
    }

    /** Advice on the sources' logging settings (reads without row counts, statements without accounts). */
    List<String> advice() {
        return advice.given();
    }

    /** Events not sent because of their time, by reason. */
    Map<String, Long> refused() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(refused));
    }

    Duration maxAhead() {
        return maxAhead;
    }

    long refusedTotal() {
        return refused.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Event time of the last event sent, or null. */
    Instant position() {
        return position;
    }

    /** Approximate event time of the {@code n}-th event sent (the events are in event-time order). */
    Instant timeAt(long n) {
        synchronized (samples) {
            if (samples.isEmpty()) {
                return null;
            }
            int i = (int) Math.min(samples.size() - 1, Math.max(0, n / SAMPLE_EVERY));
            return samples.get(i);
        }
    }

    long dbEvents() {
        return dbEvents;
    }

    long egressEvents() {
        return egressEvents;
    }

    Instant first() {
        return first;
    }

    Instant last() {
        return last;
    }
}
