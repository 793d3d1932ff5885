package org.exfilguard.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/**
 * Counters over a parse: events, rejects by reason, skipped, event-time span, rows and bytes totals, and the input
 * files (read whole, unreadable, of unknown format). Totals saturate at {@link Long#MAX_VALUE} rather than wrap:
 * hostile counts ({@code Rows_sent: 9223372036854775807} twice) must not print as a negative sum. Not thread-safe.
 */
public final class ParseStats {

    private long events;
    private long skipped;
    private long rejects;
    private long undated;
    private long tablesUndetermined;
    private long rowsReturned;
    private long bytesOut;
    private long files;
    private long unreadableFiles;
    private long unknownFormatFiles;
    private Instant first;
    private Instant last;
    private final Map<String, Long> rejectsByReason = new TreeMap<>();
    private final Map<String, Long> skippedByWhat = new TreeMap<>();
    private final Map<String, Long> adjustedByNote = new TreeMap<>();
    private final SourceAdvice advice = new SourceAdvice();

    /** Distinct reasons kept per map: a reason can carry input text, and the summary must stay a summary. */
    static final int MAX_REASONS = 200;

    static final String OTHER_REASONS = "(other reasons)";

    /** Counts one result. */
    public void record(ParseResult r) {
        if (r instanceof ParseResult.Event e) {
            event(e.record());
            for (String note : e.notes()) {
                tally(adjustedByNote, note, 1);
            }
        } else if (r instanceof ParseResult.Reject j) {
            rejects++;
            tally(rejectsByReason, j.reason(), 1);
        } else if (r instanceof ParseResult.Skipped k) {
            skipped++;
            tally(skippedByWhat, k.what(), 1);
        }
    }

    private void event(SpecificRecord rec) {
        events++;
        Instant t = null;
        if (rec instanceof DbAccessEvent d) {
            rowsReturned = saturatedAdd(rowsReturned, d.getRowsReturned());
            advice.observe(d);
            if (Boolean.TRUE.equals(d.getTablesUndetermined())) {
                tablesUndetermined++;
            }
            t = d.getEventTime();
        } else if (rec instanceof EgressEvent g) {
            bytesOut = saturatedAdd(bytesOut, g.getBytesOut());
            t = g.getEventTime();
        }
        if (t == null || t.equals(Instant.EPOCH)) {
            undated++;
            return;
        }
        if (first == null || t.isBefore(first)) {
            first = t;
        }
        if (last == null || t.isAfter(last)) {
            last = t;
        }
    }

    /** Counts one input file: whether its format was known and whether it was read to its end. */
    public void input(boolean formatKnown, boolean readWhole) {
        files++;
        if (!readWhole) {
            unreadableFiles++;
        } else if (!formatKnown) {
            unknownFormatFiles++;
        }
    }

    private static void tally(Map<String, Long> map, String key, long n) {
        String k = map.containsKey(key) || map.size() < MAX_REASONS ? key : OTHER_REASONS;
        map.merge(k, n, ParseStats::saturatedAdd);
    }

    /** {@code a + b} for non-negative counts, {@link Long#MAX_VALUE} where it would overflow. */
    static long saturatedAdd(long a, long b) {
        long r = a + b;
        // Overflow iff both operands have the sign opposite to the result (Math.addExact's test, without the throw).
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    public void add(ParseStats o) {
        events = saturatedAdd(events, o.events);
        skipped = saturatedAdd(skipped, o.skipped);
        rejects = saturatedAdd(rejects, o.rejects);
        undated = saturatedAdd(undated, o.undated);
        tablesUndetermined = saturatedAdd(tablesUndetermined, o.tablesUndetermined);
        rowsReturned = saturatedAdd(rowsReturned, o.rowsReturned);
        bytesOut = saturatedAdd(bytesOut, o.bytesOut);
        files += o.files;
        unreadableFiles += o.unreadableFiles;
        unknownFormatFiles += o.unknownFormatFiles;
        o.rejectsByReason.forEach((k, v) -> tally(rejectsByReason, k, v));
        o.skippedByWhat.forEach((k, v) -> tally(skippedByWhat, k, v));
        o.adjustedByNote.forEach((k, v) -> tally(adjustedByNote, k, v));
        advice.adopt(o.advice.given());
        if (o.first != null && (first == null || o.first.isBefore(first))) {
            first = o.first;
        }
        if (o.last != null && (last == null || o.last.isAfter(last))) {
            last = o.last;
        }
    }

    public long events() {
        return events;
    }

    public long skipped() {
        return skipped;
    }

    public long rejects() {
        return rejects;
    }

    /** Events that had no time in the log (given the epoch), not part of the span. */
    public long undated() {
        return undated;
    }

    /** Database events whose statement may have read tables that could not be named (a CALL, an EXECUTE). */
    public long tablesUndetermined() {
        return tablesUndetermined;
    }

    public long rowsReturned() {
        return rowsReturned;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** Input files counted with {@link #input(boolean, boolean)}. */
    public long files() {
        return files;
    }

    /** Input files that could not be opened or read to their end. */
    public long unreadableFiles() {
        return unreadableFiles;
    }

    /** Input files read but of no known format. */
    public long unknownFormatFiles() {
        return unknownFormatFiles;
    }

    public Map<String, Long> rejectsByReason() {
        return Map.copyOf(rejectsByReason);
    }

    /** Skipped non-entries by what they were (headers, heartbeats, rejected flows). */
    public Map<String, Long> skippedByWhat() {
        return Map.copyOf(skippedByWhat);
    }

    /** Events kept with a field changed to fit the bounds, by what was changed (see {@link ParseResult.Event#notes()}). */
    /** Advice on the sources' logging settings (no row counts, no accounts), once each. */
    public List<String> advice() {
        return advice.given();
    }

    public Map<String, Long> adjustedByNote() {
        return Map.copyOf(adjustedByNote);
    }

    private static String total(long n) {
        return n == Long.MAX_VALUE ? n + " or more (the count saturated)" : Long.toString(n);
    }

    /** A few lines for a console summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("entries: ").append(events).append('\n');
        sb.append("rejects: ").append(rejects).append('\n');
        rejectsByReason.forEach(
                (k, v) -> sb.append("  ").append(v).append("  ").append(k).append('\n'));
        sb.append("skipped: ").append(skipped).append('\n');
        skippedByWhat.forEach(
                (k, v) -> sb.append("  ").append(v).append("  ").append(k).append('\n'));
        if (!adjustedByNote.isEmpty()) {
            sb.append("entries kept with a field changed to fit the bounds:\n");
            adjustedByNote.forEach(
                    (k, v) -> sb.append("  ").append(v).append("  ").append(k).append('\n'));
        }
        sb.append("time span: ").append(first == null ? "-" : first + " .. " + last);
        if (undated > 0) {
            sb.append(" (").append(undated).append(" entries without a time)");
        }
        sb.append('\n');
        if (tablesUndetermined > 0) {
            sb.append("statements with undetermined tables: ")
                    .append(tablesUndetermined)
                    .append('\n');
        }
        sb.append("rows returned: ").append(total(rowsReturned)).append('\n');
        sb.append("bytes out: ").append(total(bytesOut)).append('\n');
        advice.given().forEach(a -> sb.append("warning: ").append(a).append('\n'));
        return sb.toString();
    }
}
