package org.exfilguard.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A streaming parser for one input stream. Stateful (an entry may span lines, the current database persists),
 * constant memory, and it never throws: bad input comes out as {@link ParseResult.Reject}.
 * An instance is not thread-safe; use one per stream.
 */
public interface LogParser {

    /** Feeds one line (without its line terminator). Results completed by this line go to {@code out}. */
    void accept(String line, Consumer<ParseResult> out);

    /** End of input: flushes a pending entry. The parser may be fed again afterwards (state such as the current database is kept). */
    void finish(Consumer<ParseResult> out);

    /** The format this parser reads, as written to {@code source_format}. */
    LogFormat format();

    /**
     * Parses one already-assembled record (a shipper sends a multi-line slow-log entry as one Kafka record),
     * keeping this parser's state, and flushes at its end.
     */
    default List<ParseResult> parseRecord(String record) {
        List<ParseResult> results = new ArrayList<>(2);
        int start = 0;
        int n = record.length();
        while (start <= n) {
            int nl = record.indexOf('\n', start);
            int end = nl < 0 ? n : nl;
            int lineEnd = end > start && record.charAt(end - 1) == '\r' ? end - 1 : end;
            if (!(nl < 0 && start == n && start > 0)) {
                accept(record.substring(start, lineEnd), results::add);
            }
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        finish(results::add);
        return results;
    }
}
