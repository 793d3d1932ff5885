package org.exfilguard.ingest;

import java.util.List;

import org.apache.avro.specific.SpecificRecord;

/** What a parser makes of one log entry: a canonical event, a reject with its reason, or a skipped non-entry. */
public sealed interface ParseResult {

    /** Most characters of the offending input a reject carries: enough to look at, not enough to leak a dump. */
    int MAX_EXCERPT = 200;

    /**
     * A canonical event ({@code DbAccessEvent} or {@code EgressEvent}); {@code notes} name what ingest changed to
     * keep it within bounds (a field cut, an invalid ip dropped), empty for most events.
     */
    record Event(SpecificRecord record, List<String> notes) implements ParseResult {
        public Event {
            notes = List.copyOf(notes);
        }

        public Event(SpecificRecord record) {
            this(record, List.of());
        }
    }

    /**
     * Input that could not be turned into an event. {@code excerpt} is for display only: it is truncated and
     * has quoted literals masked, so callers must not parse it.
     */
    record Reject(String source, long line, String reason, String excerpt) implements ParseResult {
        public Reject {
            excerpt = excerpt == null ? "" : truncate(excerpt);
        }

        private static String truncate(String s) {
            return s.length() <= MAX_EXCERPT ? s : s.substring(0, MAX_EXCERPT);
        }
    }

    /** Input that is not an entry (file header, server banner, unrelated log message): counted, not rejected. */
    record Skipped(String what) implements ParseResult {
    }
}
