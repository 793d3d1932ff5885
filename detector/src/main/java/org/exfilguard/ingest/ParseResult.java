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
     * Input that could not be turned into an event. {@code excerpt} is for display only: it is cut and escaped
     * ({@link Excerpt}), and parsers mask the literals of statements in it, so callers must not parse it.
     */
    record Reject(String source, long line, String reason, String excerpt) implements ParseResult {
        public Reject {
            excerpt = Excerpt.bounded(excerpt);
        }
    }

    /** Input that is not an entry (file header, server banner, unrelated log message): counted, not rejected. */
    record Skipped(String what) implements ParseResult {}
}
