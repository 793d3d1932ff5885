package org.exfilguard.ingest;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;

/** Counters over a parse: events, rejects by reason, skipped, event-time span, rows and bytes totals. Not thread-safe. */
public final class ParseStats {

    private long events;
    private long skipped;
    private long rejects;
    private long undated;
    private long tablesUndetermined;
    private long rowsReturned;
    private long bytesOut;
    private Instant first;
    private Instant last;
    private final Map<String, Long> rejectsByReason = new TreeMap<>();

    /** Counts one result. */
    public void record(ParseResult r) {
        if (r instanceof ParseResult.Event e) {
            event(e.record());
        } else if (r instanceof ParseResult.Reject j) {
            rejects++;
            rejectsByReason.merge(j.reason(), 1L, Long::sum);
        } else {
            skipped++;
        }
    }

    private void event(SpecificRecord rec) {
        events++;
        Instant t = null;
        if (rec instanceof DbAccessEvent d) {
            rowsReturned += d.getRowsReturned();
            if (Boolean.TRUE.equals(d.getTablesUndetermined())) {
                tablesUndetermined++;
            }
            t = d.getEventTime();
        } else if (rec instanceof EgressEvent g) {
            bytesOut += g.getBytesOut();
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

    public void add(ParseStats o) {
        events += o.events;
        skipped += o.skipped;
        rejects += o.rejects;
        undated += o.undated;
        tablesUndetermined += o.tablesUndetermined;
        rowsReturned += o.rowsReturned;
        bytesOut += o.bytesOut;
        o.rejectsByReason.forEach((k, v) -> rejectsByReason.merge(k, v, Long::sum));
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

    /** Earliest dated event time, or null. */
    public Instant firstEventTime() {
        return first;
    }

    public Instant lastEventTime() {
        return last;
    }

    public Map<String, Long> rejectsByReason() {
        return Map.copyOf(rejectsByReason);
    }

    /** A few lines for a console summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("entries: ").append(events).append('\n');
        sb.append("rejects: ").append(rejects).append('\n');
        rejectsByReason.forEach((k, v) -> sb.append("  ").append(v).append("  ").append(k).append('\n'));
        sb.append("skipped: ").append(skipped).append('\n');
        sb.append("time span: ").append(first == null ? "-" : first + " .. " + last);
        if (undated > 0) {
            sb.append(" (").append(undated).append(" entries without a time)");
        }
        sb.append('\n');
        if (tablesUndetermined > 0) {
            sb.append("statements with undetermined tables: ").append(tablesUndetermined).append('\n');
        }
        sb.append("rows returned: ").append(rowsReturned).append('\n');
        sb.append("bytes out: ").append(bytesOut).append('\n');
        return sb.toString();
    }
}
