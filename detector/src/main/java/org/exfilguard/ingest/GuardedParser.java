package org.exfilguard.ingest;

import java.util.function.Consumer;

/**
 * Keeps the promise of {@link LogParser} that parsing never throws: a format parser that throws on a line (an input
 * shape it was not written for) yields one reject naming the stream and the line, with the line's {@link Excerpt},
 * and forgets the entry it was reading, so that one odd line costs one entry and not the rest of the file.
 */
final class GuardedParser implements LogParser {

    private final FormatParser parser;
    private final String source;
    private long lineNo;

    GuardedParser(FormatParser parser, String source) {
        this.parser = parser;
        this.source = source;
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        try {
            parser.accept(line, out);
        } catch (RuntimeException e) {
            parser.abandonEntry();
            out.accept(internalError(e, Excerpt.of(line)));
        }
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        try {
            parser.finish(out);
        } catch (RuntimeException e) {
            parser.abandonAll();
            out.accept(internalError(e, ""));
        }
    }

    private ParseResult.Reject internalError(RuntimeException e, String excerpt) {
        return new ParseResult.Reject(
                source, lineNo, "internal parser error: " + e.getClass().getSimpleName(), excerpt);
    }

    @Override
    public LogFormat format() {
        return parser.format();
    }
}
