package org.exfilguard.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/**
 * The event times an event may carry, in one place for every parser, the feeder of {@code replay} and
 * {@code backtest}, and the raw-log normaliser. Two bounds:
 * <ul>
 *   <li>the years 2000 to 2100: anything outside is decades off, a unit or parsing error (a host whose clock reset to
 *       1970, Zeek's {@code ts -1}), and Kafka refuses negative record timestamps outright;</li>
 *   <li>a limit ahead of the wall clock: brokers refuse a record more than {@code message.timestamp.after.max.ms}
 *       (one hour by default) ahead of their clock, and a refused record fails its whole batch, so a producer must
 *       turn such an event away itself before sending it.</li>
 * </ul>
 * Parsers apply the first through {@link #bounded}; what stands between a parser and a producer applies both
 * through {@link #check}.
 */
public final class EventTimes {

    /** Earliest event time taken (inclusive). */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** Latest event time taken (exclusive). */
    public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
    /** Reject reason of a time outside the years 2000-2100; constant, so it can name a metric. */
    public static final String OUTSIDE_YEARS = "event time outside 2000-2100";
    /** Reject reason of a time too far ahead of the wall clock. */
    public static final String AHEAD_OF_CLOCK = "event time ahead of the wall clock";

    /** Kafka's default {@code message.timestamp.after.max.ms}: how far ahead of its clock a broker takes a record. */
    public static final Duration KAFKA_DEFAULT_AHEAD = Duration.ofHours(1);
    /** Slack under a broker's limit: its clock and ours differ, and records wait a while in the producer's batches. */
    public static final Duration AHEAD_MARGIN = Duration.ofMinutes(5);

    /** Avro's {@code timestamp-millis} is a long of milliseconds: the parsers' first check, before the years. */
    static final Instant MIN = Instant.ofEpochMilli(Long.MIN_VALUE);

    static final Instant MAX = Instant.ofEpochMilli(Long.MAX_VALUE);
    static final String OUT_OF_RANGE = "event time out of range";

    private EventTimes() {}

    /** Why an event time is turned away: a constant {@link #reason()} and a message with the figures. */
    public record Refusal(String reason, String message) {}

    static boolean representable(Instant t) {
        return t != null && !t.isBefore(MIN) && !t.isAfter(MAX);
    }

    /** Whether {@code t} lies in the years 2000 to 2100. */
    public static boolean inYears(Instant t) {
        return t != null && !t.isBefore(EARLIEST) && t.isBefore(LATEST);
    }

    /**
     * Checks an event time before it is produced: the years, then that it is at most {@code maxAhead} ahead of
     * {@code now} (the wall clock).
     */
    public static Optional<Refusal> check(Instant t, Instant now, Duration maxAhead) {
        if (!inYears(t)) {
            return Optional.of(
                    new Refusal(OUTSIDE_YEARS, "event time " + t + " is outside [" + EARLIEST + ", " + LATEST + ")"));
        }
        if (t.isAfter(now.plus(maxAhead))) {
            return Optional.of(new Refusal(
                    AHEAD_OF_CLOCK,
                    "event time " + t + " is more than " + maxAhead + " ahead of the wall clock (" + now + ")"));
        }
        return Optional.empty();
    }

    /**
     * How far ahead of the wall clock an event may be to be produced to topics that accept {@code acceptedAhead}:
     * what the detector takes ({@code detectorSkew}; it dead-letters events further ahead anyway), but under the
     * topics' limit with a margin, since a refused record fails its whole batch.
     */
    public static Duration sendLimit(Duration acceptedAhead, Duration detectorSkew) {
        Duration underBroker = acceptedAhead.compareTo(AHEAD_MARGIN.multipliedBy(2)) > 0
                ? acceptedAhead.minus(AHEAD_MARGIN)
                : acceptedAhead.dividedBy(2);
        return underBroker.compareTo(detectorSkew) < 0 ? underBroker : detectorSkew;
    }

    /** The event time of a canonical event, or null. */
    public static Instant of(SpecificRecord event) {
        if (event instanceof DbAccessEvent d) {
            return d.getEventTime();
        }
        if (event instanceof EgressEvent g) {
            return g.getEventTime();
        }
        return null;
    }

    /** Epoch seconds and nanoseconds as an instant, or null when no event can carry it. */
    static Instant ofEpochSecond(long seconds, long nanos) {
        if (seconds < MIN.getEpochSecond() || seconds > MAX.getEpochSecond()) {
            return null;
        }
        Instant t = Instant.ofEpochSecond(seconds, nanos);
        return representable(t) ? t : null;
    }

    /**
     * The event as a reject when it is dated outside the years 2000-2100, so each format keeps the same bound without
     * each parser restating it ({@link BoundedParser} applies it to every parser). Events without a time (the epoch,
     * which the merge rejects as undated) pass through unchanged.
     */
    static ParseResult bound(ParseResult r, String source, long line) {
        if (r instanceof ParseResult.Event e) {
            Instant t = of(e.record());
            if (t != null && !t.equals(Instant.EPOCH) && !inYears(t)) {
                return new ParseResult.Reject(source, line, OUTSIDE_YEARS, t.toString());
            }
        }
        return r;
    }
}
