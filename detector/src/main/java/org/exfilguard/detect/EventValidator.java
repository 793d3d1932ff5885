package org.exfilguard.detect;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.schema.DbAccessEvent;

/**
 * Decides whether a decoded event can be trusted enough to count. An event the detector cannot count
 * honestly goes to the dead-letter topic with one of these reasons, never silently dropped.
 */
public final class EventValidator {

    /** Earliest and latest event times taken at all: the bound parsers and producers apply too. */
    public static final Instant EARLIEST = EventTimes.EARLIEST;

    public static final Instant LATEST = EventTimes.LATEST;

    /** Why an event was refused; the code goes into the dead-letter headers and the metric's tag. */
    public record Rejection(String code, String message) {}

    private final Duration maxFutureSkew;

    public EventValidator(Duration maxFutureSkew) {
        this.maxFutureSkew = maxFutureSkew;
    }

    /**
     * Checks one event. An event more than the skew ahead of {@code now} (the wall clock) is refused: a single
     * bad timestamp must not move the detector's event clock so far that incidents close at once and every
     * later read looks old. Replays are of the past, so the check never changes what a replay detects.
     */
    public Optional<Rejection> check(DbAccessEvent event, Instant now) {
        if (event.getAccount() == null || event.getAccount().isBlank()) {
            return reject("missing_account", "event has no account");
        }
        if (event.getRowsReturned() < 0) {
            return reject("negative_rows", "rows_returned is negative: " + event.getRowsReturned());
        }
        if (event.getRowsExamined() != null && event.getRowsExamined() < 0) {
            return reject("negative_rows", "rows_examined is negative: " + event.getRowsExamined());
        }
        if (event.getBytesReturned() != null && event.getBytesReturned() < 0) {
            return reject("negative_bytes", "bytes_returned is negative: " + event.getBytesReturned());
        }
        return checkTime(event.getEventTime(), now);
    }

    /** Checks one egress event: addresses present, counters not negative, time plausible. */
    public Optional<Rejection> check(org.exfilguard.schema.EgressEvent event, Instant now) {
        if (event.getSrcIp() == null
                || event.getSrcIp().isBlank()
                || event.getDstIp() == null
                || event.getDstIp().isBlank()) {
            return reject("missing_address", "egress event without source or destination address");
        }
        if (event.getBytesOut() < 0 || event.getBytesIn() < 0) {
            return reject("negative_bytes", "bytes_out or bytes_in is negative");
        }
        return checkTime(event.getEventTime(), now);
    }

    private Optional<Rejection> checkTime(Instant at, Instant now) {
        if (at == null || at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
            return reject(
                    "event_time_out_of_range", "event_time " + at + " is outside [" + EARLIEST + ", " + LATEST + ")");
        }
        if (at.isAfter(now.plus(maxFutureSkew))) {
            return reject(
                    "event_time_in_future",
                    "event_time " + at + " is more than " + maxFutureSkew + " ahead of the wall clock (" + now + ")");
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(String code, String message) {
        return Optional.of(new Rejection(code, message));
    }
}
