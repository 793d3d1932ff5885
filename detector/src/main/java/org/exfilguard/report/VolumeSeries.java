package org.exfilguard.report;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exfilguard.detect.PersonalReads;
import org.exfilguard.detect.SensitiveColumns;
import org.exfilguard.detect.SensitiveTables;
import org.exfilguard.ingest.MergedLogs;
import org.exfilguard.ingest.ParserOptions;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * Rows read per time bin by the account and table of each incident, over the days around its alerts: what the
 * report draws. Only alerted (account, table) pairs are tracked and only over a bounded span, so memory is a few
 * thousand counters per incident whatever the size of the logs.
 */
public final class VolumeSeries {

    /** Width of one bin. */
    public static final Duration BIN = Duration.ofMinutes(15);
    /** Shown before the first alert of an incident and after its last. */
    public static final Duration BEFORE = Duration.ofDays(3);

    public static final Duration AFTER = Duration.ofDays(1);
    /** Longest trailing window drawn: the detector's weekly window. */
    static final Duration MAX_WINDOW = Duration.ofDays(7);

    /** One incident's series: bins start at {@code from}; the first {@link #lead()} bins precede the view. */
    public static final class Series {
        final String incidentId;
        final String account;
        final String table;
        final Instant from;
        final Instant viewFrom;
        final long[] rows;

        Series(String incidentId, String account, String table, Instant from, Instant viewFrom, Instant to) {
            this.incidentId = incidentId;
            this.account = account;
            this.table = table;
            this.from = from;
            this.viewFrom = viewFrom;
            this.rows = new long[(int) Math.max(1, Duration.between(from, to).dividedBy(BIN))];
        }

        void add(Instant t, long n) {
            if (t.isBefore(from)) {
                return;
            }
            long i = Duration.between(from, t).dividedBy(BIN);
            if (i < rows.length) {
                rows[(int) i] += n;
            }
        }

        public Instant from() {
            return from;
        }

        /** Bins before the view that only feed the trailing-window sums. */
        public int lead() {
            return (int) Duration.between(from, viewFrom).dividedBy(BIN);
        }

        public long[] rows() {
            return rows.clone();
        }

        public String account() {
            return account;
        }

        public String table() {
            return table;
        }
    }

    private final Map<String, Series> byIncident = new LinkedHashMap<>();
    private final Map<String, List<Series>> byAccount = new HashMap<>();
    private final PersonalReads sensitive;
    private Instant dataFrom;
    private Instant dataTo;

    /** Series for every incident of {@code alerts}, empty until events are added. */
    public VolumeSeries(List<ExfiltrationAlert> alerts, SensitiveTables sensitive) {
        this(alerts, new PersonalReads(sensitive, SensitiveColumns.NONE));
    }

    /** Series for every incident of {@code alerts}, counting the reads {@code sensitive} says are of personal data. */
    public VolumeSeries(List<ExfiltrationAlert> alerts, PersonalReads sensitive) {
        this.sensitive = sensitive;
        Map<String, List<ExfiltrationAlert>> incidents = new LinkedHashMap<>();
        alerts.stream()
                .sorted(Comparator.comparing(ExfiltrationAlert::getDetectedAt))
                .forEach(a -> incidents
                        .computeIfAbsent(a.getIncidentId(), k -> new ArrayList<>())
                        .add(a));
        incidents.forEach((id, list) -> {
            ExfiltrationAlert first = list.get(0);
            Instant last = list.get(list.size() - 1).getDetectedAt();
            Duration window = Duration.between(first.getWindowStart(), first.getWindowEnd());
            window = window.isNegative() ? Duration.ZERO : window.compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : window;
            Instant viewFrom = floor(first.getDetectedAt().minus(BEFORE));
            Series s = new Series(
                    id,
                    first.getAccount(),
                    first.getTable(),
                    floor(viewFrom.minus(window)),
                    viewFrom,
                    floor(last.plus(AFTER)).plus(BIN));
            byIncident.put(id, s);
            byAccount.computeIfAbsent(s.account, k -> new ArrayList<>()).add(s);
        });
    }

    /** Reads the database events of {@code inputs} once more and fills the series of {@code alerts}' incidents. */
    public static VolumeSeries collect(
            List<ExfiltrationAlert> alerts, List<MergedLogs.Input> inputs, PersonalReads sensitive) throws IOException {
        VolumeSeries series = new VolumeSeries(alerts, sensitive);
        // Merge order is not needed for bin sums; a window of 1 keeps memory to one event per file.
        try (MergedLogs logs = new MergedLogs(inputs, ParserOptions.defaults(), 1, r -> {})) {
            MergedLogs.Timed t;
            while ((t = logs.next()) != null) {
                if (t.event() instanceof DbAccessEvent d) {
                    series.accept(d);
                }
            }
        }
        return series;
    }

    /** Counts one event's rows in the series it belongs to. */
    public void accept(DbAccessEvent e) {
        Instant t = e.getEventTime();
        dataFrom = dataFrom == null || t.isBefore(dataFrom) ? t : dataFrom;
        dataTo = dataTo == null || t.isAfter(dataTo) ? t : dataTo;
        List<Series> candidates = byAccount.get(e.getAccount());
        if (candidates == null) {
            return;
        }
        List<String> scopes = sensitive
                .split(e.getTables(), e.getDatabase(), e.getStatementFingerprint())
                .personal();
        if (scopes.isEmpty()) {
            return;
        }
        for (Series s : candidates) {
            if (s.table.equals("*") || scopes.contains(s.table)) {
                s.add(t, e.getRowsReturned());
            }
        }
    }

    public Series of(String incidentId) {
        return byIncident.get(incidentId);
    }

    /** Earliest event time seen (any account), or null. */
    public Instant dataFrom() {
        return dataFrom;
    }

    public Instant dataTo() {
        return dataTo;
    }

    private static Instant floor(Instant t) {
        long bin = BIN.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), bin) * bin);
    }
}
