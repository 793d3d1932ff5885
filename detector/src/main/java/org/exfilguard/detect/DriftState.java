package org.exfilguard.detect;

import java.util.Arrays;

/**
 * What the drift detector keeps per (account, sensitive scope): the day being accumulated (rows, the hours it read
 * in, its first read), the closed days' totals the norm is learnt from, the CUSUM, the run of days it has grown over,
 * and the open drift incident if any. Mutable, owned by one task; encoded by the topology's codec.
 */
public final class DriftState {

    static final long NONE = Long.MIN_VALUE;

    long day = NONE;
    long dayRows;
    int hours;
    long dayFirstRead = NONE;
    /** Closed days' totals, oldest first. */
    long[] history = new long[0];

    double cusum;
    /** First read of the run of days the CUSUM has grown over (NONE while it is zero), and their rows so far. */
    long runStart = NONE;

    long runRows;
    int runDays;
    int idleDays;
    /** The open drift incident (null when none) and when it opened. */
    String incidentId;

    long openedAt = NONE;
    /** In an account's all-tables scope: how many of its single-table scopes have a drift open. */
    int tableDrifts;

    public DriftState() {}

    /** A state as stored; the arrays are copied. */
    public static DriftState of(
            long day,
            long dayRows,
            int hours,
            long dayFirstRead,
            long[] history,
            double cusum,
            long runStart,
            long runRows,
            int runDays,
            int idleDays,
            String incidentId,
            long openedAt,
            int tableDrifts) {
        DriftState s = new DriftState();
        s.day = day;
        s.dayRows = dayRows;
        s.hours = hours;
        s.dayFirstRead = dayFirstRead;
        s.history = history.clone();
        s.cusum = cusum;
        s.runStart = runStart;
        s.runRows = runRows;
        s.runDays = runDays;
        s.idleDays = idleDays;
        s.incidentId = incidentId;
        s.openedAt = openedAt;
        s.tableDrifts = tableDrifts;
        return s;
    }

    public long day() {
        return day;
    }

    public long dayRows() {
        return dayRows;
    }

    /** The hours of the day (UTC) with reads, one bit each. */
    public int hours() {
        return hours;
    }

    public long dayFirstRead() {
        return dayFirstRead;
    }

    public long[] history() {
        return history.clone();
    }

    public double cusum() {
        return cusum;
    }

    public long runStart() {
        return runStart;
    }

    public long runRows() {
        return runRows;
    }

    public int runDays() {
        return runDays;
    }

    public int idleDays() {
        return idleDays;
    }

    public String incidentId() {
        return incidentId;
    }

    public long openedAt() {
        return openedAt;
    }

    public int tableDrifts() {
        return tableDrifts;
    }

    /** Counts a single-table drift of the account opening (+1) or closing (-1), in its all-tables scope. */
    public void tableDrift(int change) {
        tableDrifts = Math.max(0, tableDrifts + change);
    }

    public boolean incidentOpen() {
        return incidentId != null;
    }

    /** The marker of an absent time or day in the stored layout. */
    public static long none() {
        return NONE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriftState s
                && day == s.day
                && dayRows == s.dayRows
                && hours == s.hours
                && dayFirstRead == s.dayFirstRead
                && Arrays.equals(history, s.history)
                && Double.compare(cusum, s.cusum) == 0
                && runStart == s.runStart
                && runRows == s.runRows
                && runDays == s.runDays
                && idleDays == s.idleDays
                && java.util.Objects.equals(incidentId, s.incidentId)
                && openedAt == s.openedAt
                && tableDrifts == s.tableDrifts;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(day, dayRows, hours, Arrays.hashCode(history), cusum, runStart, incidentId);
    }
}
