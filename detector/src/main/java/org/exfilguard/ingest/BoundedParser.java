package org.exfilguard.ingest;

import java.util.function.Consumer;

/**
 * Holds every event of a parser to {@link EventBounds} and to the event-time bound of {@link EventTimes}. A reject it
 * makes names the line that completed the entry (for a multi-line entry, its last line or the line that began the
 * next one).
 */
final class BoundedParser implements LogParser {

    private final LogParser parser;
    private final String source;
    private long lineNo;

    BoundedParser(LogParser parser, String source) {
        this.parser = parser;
        this.source = source;
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        parser.accept(line, r -> out.accept(bound(r)));
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        parser.finish(r -> out.accept(bound(r)));
    }

    private ParseResult bound(ParseResult r) {
        return EventTimes.bound(EventBounds.check(r, source, lineNo), source, lineNo);
    }

    @Override
    public LogFormat format() {
        return parser.format();
    }
}
