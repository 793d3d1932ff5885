package org.exfilguard.topology;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.ingest.FormatDetector;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.LogParser;
import org.exfilguard.ingest.ParseResult;
import org.exfilguard.ingest.ParserOptions;
import org.exfilguard.ingest.ShipperEnvelope;
import org.exfilguard.metrics.DetectorMetrics;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/**
 * Turns raw log records from a shipper (one line, or one multi-line entry such as a slow-log entry, per record)
 * into canonical events: {@code DbAccessEvent} keyed by account and {@code EgressEvent} keyed by source ip, each
 * stamped with its event time. A record that yields a reject, or nothing at all, goes to the dead-letter sink with
 * the reason in its headers and its original bytes. So does an event dated outside the years 2000-2100 or further
 * ahead of the wall clock than the canonical topics take ({@link EventTimes#check}): Kafka refuses such a record
 * at the sink, and under exactly-once a refused record fails the whole transaction, again after every restart.
 *
 * <p>Parsers keep per-stream context (the current database of a slow log), so there is one per source partition
 * and format, in memory: after a restart that context comes back with the log's next {@code use} or
 * {@code # Schema:} line. When the format is detected, a record too short to tell (a bare continuation line) is
 * read in the format last detected on its partition.
 */
final class NormaliseSupplier implements ProcessorSupplier<byte[], byte[], Object, Object> {

    static final String STAGE = "normalise";

    private final String source;
    private final Optional<LogFormat> format;
    private final ParserOptions options;
    private final DetectorMetrics metrics;
    private final String dbChild;
    private final String egressChild;
    private final String deadLetterChild;
    private final Clock wallClock;
    private final Duration maxAhead;

    NormaliseSupplier(
            String source,
            Optional<LogFormat> format,
            ParserOptions options,
            DetectorMetrics metrics,
            String dbChild,
            String egressChild,
            String deadLetterChild,
            Clock wallClock,
            Duration maxAhead) {
        this.source = source;
        this.format = format;
        this.options = options;
        this.metrics = metrics;
        this.dbChild = dbChild;
        this.egressChild = egressChild;
        this.deadLetterChild = deadLetterChild;
        this.wallClock = wallClock;
        this.maxAhead = maxAhead;
    }

    @Override
    public Processor<byte[], byte[], Object, Object> get() {
        return new NormaliseProcessor();
    }

    private final class NormaliseProcessor implements Processor<byte[], byte[], Object, Object> {

        private ProcessorContext<Object, Object> context;
        private final Map<String, LogParser> parsers = new HashMap<>();
        private final Map<String, LogFormat> lastDetected = new HashMap<>();

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (record.value() == null) {
                deadLetter(record, "null_value", "record has no value (tombstone)");
                return;
            }
            String stream = context.recordMetadata()
                    .map(m -> m.topic() + "-" + m.partition())
                    .orElse(source);
            String raw = new String(record.value(), StandardCharsets.UTF_8);
            // Shippers may wrap the line in a JSON envelope (Filebeat, Vector's json codec, Fluent Bit): read the line.
            String text = ShipperEnvelope.unwrap(raw).orElse(raw);
            Optional<LogFormat> f = format.isPresent() ? format : detect(stream, text);
            if (f.isEmpty()) {
                deadLetter(record, "unknown_format", "no known log format recognised in the record");
                return;
            }
            LogParser parser = parsers.computeIfAbsent(
                    stream + "/" + f.get().id(), k -> f.get().newParser(stream, options));
            List<ParseResult> results = parser.parseRecord(text);
            List<ParseResult.Reject> rejects = new ArrayList<>();
            int events = 0;
            for (ParseResult r : results) {
                if (r instanceof ParseResult.Event e) {
                    Instant time = EventTimes.of(e.record());
                    Optional<EventTimes.Refusal> refusal =
                            dated(time) ? EventTimes.check(time, wallClock.instant(), maxAhead) : Optional.empty();
                    if (refusal.isPresent()) {
                        rejects.add(new ParseResult.Reject(
                                stream, 0, refusal.get().reason(), refusal.get().message()));
                    } else if (forward(e, record)) {
                        events++;
                    } else {
                        rejects.add(new ParseResult.Reject(stream, 0, "missing event time", ""));
                    }
                } else if (r instanceof ParseResult.Reject j) {
                    rejects.add(j);
                } else {
                    metrics.event(source, "skipped");
                }
            }
            if (!rejects.isEmpty()) {
                String message =
                        rejects.stream()
                                        .map(ParseResult.Reject::reason)
                                        .distinct()
                                        .collect(Collectors.joining("; ")) + " (" + rejects.size() + " of "
                                + (rejects.size() + events) + " entries of the record rejected)";
                deadLetter(record, code(rejects.get(0).reason()), message);
            } else if (results.isEmpty()) {
                deadLetter(
                        record,
                        "no_entry",
                        "the record holds no log entry of format " + f.get().id());
            }
        }

        private Optional<LogFormat> detect(String stream, String text) {
            List<String> head = text.lines().limit(FormatDetector.HEAD_LINES).toList();
            Optional<LogFormat> detected = FormatDetector.detect(head);
            detected.ifPresent(d -> lastDetected.put(stream, d));
            return detected.isPresent() ? detected : Optional.ofNullable(lastDetected.get(stream));
        }

        private boolean forward(ParseResult.Event e, Record<byte[], byte[]> raw) {
            if (e.record() instanceof DbAccessEvent d) {
                if (!dated(d.getEventTime())) {
                    return false;
                }
                context.forward(
                        new Record<Object, Object>(
                                d.getAccount(), d, d.getEventTime().toEpochMilli(), raw.headers()),
                        dbChild);
            } else if (e.record() instanceof EgressEvent g) {
                if (!dated(g.getEventTime())) {
                    return false;
                }
                context.forward(
                        new Record<Object, Object>(
                                g.getSrcIp(), g, g.getEventTime().toEpochMilli(), raw.headers()),
                        egressChild);
            } else {
                return false;
            }
            metrics.event(source, "normalised");
            return true;
        }

        private void deadLetter(Record<byte[], byte[]> record, String reason, String message) {
            metrics.deadLetter(source, reason);
            RecordMetadata meta = context.recordMetadata().orElse(null);
            context.forward(
                    new Record<Object, Object>(
                            record.key(),
                            record.value(),
                            record.timestamp(),
                            DeadLetters.headers(record.headers(), STAGE, reason, message, meta)),
                    deadLetterChild);
        }
    }

    private static boolean dated(Instant t) {
        return t != null && !t.equals(Instant.EPOCH);
    }

    /** A parser's reject reason as a metric-friendly code: {@code malformed # Time value} to {@code malformed_time_value}. */
    static String code(String reason) {
        String c = reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return c.isEmpty() ? "rejected" : c.length() > 60 ? c.substring(0, 60) : c;
    }
}
