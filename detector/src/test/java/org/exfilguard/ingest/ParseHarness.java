package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/**
 * Feeds hostile input to a parser and checks the contract every parser promises: each input ends as an event with
 * valid fields, a reject with a reason, or a skip; nothing is thrown, nothing hangs, no entry is buffered past the
 * bound. Parser-internal exceptions that the parsers catch ("internal parser error") count as failures too: they mean
 * an input shape the parser did not expect, and a reject should say what was wrong.
 */
final class ParseHarness {

    /** The entry bound the properties run with: small, so over-long input is cheap to generate. */
    static final int MAX_ENTRY = 64 * 1024;

    static final ParserOptions OPTIONS = ParserOptions.defaults().withMaxEntryChars(MAX_ENTRY);
    /** Per-input ceiling; JSqlParser's own timeout is 2 s, so anything near this is a hang. */
    static final Duration HANG = Duration.ofSeconds(10);

    private static final ExecutorService RUNNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "parse-harness");
        t.setDaemon(true);
        return t;
    });
    private static final EventValidator VALIDATOR = new EventValidator(Duration.ofDays(1));

    private ParseHarness() {}

    /** Parses {@code input} with a fresh parser, either as one record or line by line through the bounded reader. */
    static List<ParseResult> parse(LogFormat format, String input, boolean asRecord) {
        return parse(format, OPTIONS, input, asRecord);
    }

    static List<ParseResult> parse(LogFormat format, ParserOptions options, String input, boolean asRecord) {
        return parse(format.newParser("fuzz", options), options, input, asRecord);
    }

    /** Parses with an existing parser (its state, such as the statement cache, carries over). */
    static List<ParseResult> parse(LogParser p, ParserOptions options, String input, boolean asRecord) {
        LogFormat format = p.format();
        Future<List<ParseResult>> f = RUNNER.submit(() -> {
            List<ParseResult> out = new ArrayList<>();
            if (asRecord) {
                out.addAll(p.parseRecord(input));
            } else {
                BoundedLineReader lines = new BoundedLineReader(new StringReader(input), options.maxEntryChars());
                String line;
                while ((line = lines.readLine()) != null) {
                    assertThat(line.length())
                            .as("line from the bounded reader")
                            .isLessThanOrEqualTo(options.maxEntryChars() + 1);
                    p.accept(line, out::add);
                    assertBounded(p, options.maxEntryChars());
                }
                p.finish(out::add);
            }
            assertBounded(p, options.maxEntryChars());
            return out;
        });
        try {
            return f.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return fail("%s parser did not finish within %s on input of %d chars", format, HANG, input.length());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError(format + " parser threw on hostile input", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Checks every result; returns the events. */
    static List<SpecificRecord> checkAll(List<ParseResult> results) {
        List<SpecificRecord> events = new ArrayList<>();
        for (ParseResult r : results) {
            if (r instanceof ParseResult.Event e) {
                checkEvent(e.record());
                events.add(e.record());
            } else if (r instanceof ParseResult.Reject j) {
                assertThat(j.reason()).as("reject reason").isNotBlank();
                assertThat(j.reason())
                        .as("reject reason (a caught exception means an unhandled input shape)")
                        .doesNotStartWith("internal parser error");
                assertThat(j.excerpt().length()).isLessThanOrEqualTo(ParseResult.MAX_EXCERPT);
            } else if (r instanceof ParseResult.Skipped s) {
                assertThat(s.what()).as("skip reason").isNotBlank();
            } else {
                throw new AssertionError("unexpected result " + r);
            }
        }
        return events;
    }

    static void checkEvent(SpecificRecord record) {
        Instant now = Instant.now();
        Optional<EventValidator.Rejection> verdict;
        Instant time;
        if (record instanceof DbAccessEvent e) {
            assertThat(e.getRowsReturned()).as("rows_returned").isNotNegative();
            if (e.getRowsExamined() != null) {
                assertThat(e.getRowsExamined()).as("rows_examined").isNotNegative();
            }
            if (e.getBytesReturned() != null) {
                assertThat(e.getBytesReturned()).as("bytes_returned").isNotNegative();
            }
            assertThat(e.getAccount()).as("account").isNotBlank();
            if (e.getStatementFingerprint() != null) {
                assertThat(e.getStatementFingerprint().length())
                        .as("fingerprint length")
                        .isLessThanOrEqualTo(Fingerprint.MAX_LENGTH + " /*truncated*/".length());
            }
            time = e.getEventTime();
            verdict = VALIDATOR.check(e, now);
        } else if (record instanceof EgressEvent e) {
            assertThat(e.getBytesOut()).as("bytes_out").isNotNegative();
            assertThat(e.getBytesIn()).as("bytes_in").isNotNegative();
            if (e.getDstPort() != null) {
                assertThat(e.getDstPort()).as("dst_port").isBetween(0, 65535);
            }
            time = e.getEventTime();
            verdict = VALIDATOR.check(e, now);
        } else {
            throw new AssertionError("unexpected record type " + record.getClass());
        }
        assertThat(time).as("event_time").isNotNull();
        boolean inRange = !time.isBefore(EventValidator.EARLIEST) && time.isBefore(EventValidator.LATEST);
        if (!inRange) {
            assertThat(verdict).as("validator verdict for " + time).isPresent();
            assertThat(verdict.get().code()).isEqualTo("event_time_out_of_range");
        }
        // The event must reach Kafka: timestamp-millis cannot hold every Instant.
        assertThat(avroEncodes(record))
                .as("Avro encodes event with time " + time)
                .isTrue();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean avroEncodes(SpecificRecord record) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter(record.getSchema()).write(record, enc);
            enc.flush();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Characters the parser holds in strings and builders (its own fields, transitively within the ingest package,
     * excluding the statement cache, which is bounded by entry count). A parser that buffers an over-long entry whole
     * fails this after the line that crosses the bound.
     */
    static void assertBounded(LogParser parser, int maxEntryChars) {
        long held = retainedChars(parser, new IdentityHashMap<>());
        assertThat(held)
                .as("characters held by the %s parser", parser.format())
                .isLessThanOrEqualTo(3L * maxEntryChars + 4096);
    }

    private static long retainedChars(Object o, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return 0;
        }
        if (o instanceof CharSequence cs) {
            return o instanceof StringBuilder sb ? Math.max(sb.capacity(), sb.length()) : cs.length();
        }
        if (o instanceof Collection<?> c) {
            long sum = 0;
            for (Object x : c) {
                sum += retainedChars(x, seen);
            }
            return sum;
        }
        if (o instanceof Map<?, ?> m) {
            // Parsers keep per-session state in maps (pgaudit's open statements): their values are held too.
            return retainedChars(m.values(), seen);
        }
        if (o instanceof SqlTables || !o.getClass().getName().startsWith("org.exfilguard.ingest")) {
            return 0;
        }
        long sum = 0;
        for (Class<?> k = o.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    sum += retainedChars(f.get(o), seen);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // A field we cannot read is not ours to measure.
                }
            }
        }
        return sum;
    }
}
