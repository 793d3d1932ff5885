package org.exfilguard.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;

/**
 * The baseline a learnt detector must beat: alert when an account's rows returned from sensitive tables in a
 * tumbling clock hour exceed a fixed number. One alert per (account, hour), at the event that crossed it.
 * A statement that joins two sensitive tables counts its rows once.
 */
public final class StaticThresholdRule {
    public static final long DEFAULT_THRESHOLD = 100_000;
    /** Names this rule as the baseline and the detector of its alerts. */
    static final String BASELINE_METHOD = "static-threshold";
    /** Hours older than this behind the newest event are forgotten; tolerates mildly unordered input. */
    private static final Duration RETAIN = Duration.ofHours(2);

    private final long threshold;
    private final Set<String> sensitiveTables;
    private final Map<String, long[]> hours = new HashMap<>();
    private Instant newest = Instant.EPOCH;

    public StaticThresholdRule(long threshold, Set<String> sensitiveTables) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be positive");
        }
        this.threshold = threshold;
        this.sensitiveTables = Set.copyOf(
                sensitiveTables.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList());
    }

    /** Feeds one event; returns an alert when this event takes the account's hour over the threshold. */
    public Optional<ExfiltrationAlert> accept(DbAccessEvent e) {
        if (e.getTables().stream().noneMatch(t -> sensitiveTables.contains(t.toLowerCase(Locale.ROOT)))) {
            return Optional.empty();
        }
        Instant hour = e.getEventTime().truncatedTo(ChronoUnit.HOURS);
        if (e.getEventTime().isAfter(newest)) {
            newest = e.getEventTime();
            if (hours.size() > 10_000) {
                long cutoff = newest.minus(RETAIN).toEpochMilli();
                hours.entrySet().removeIf(en -> en.getValue()[0] < cutoff);
            }
        }
        long[] state = hours.computeIfAbsent(
                e.getAccount() + "|" + hour.toEpochMilli(), k -> new long[] {hour.toEpochMilli(), 0, 0});
        state[1] += e.getRowsReturned();
        if (state[2] == 0 && state[1] > threshold) {
            state[2] = 1;
            return Optional.of(alert(e, hour, state[1]));
        }
        return Optional.empty();
    }

    public List<ExfiltrationAlert> run(Iterator<DbAccessEvent> events) {
        List<ExfiltrationAlert> out = new ArrayList<>();
        while (events.hasNext()) {
            accept(events.next()).ifPresent(out::add);
        }
        return out;
    }

    /** Alerts over a canonical JSON lines file; lines that are not db events (egress, bad lines) are counted. */
    public RunResult runOnCanonicalJson(Path file) throws IOException {
        List<ExfiltrationAlert> out = new ArrayList<>();
        long events = 0;
        long skipped = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                DbAccessEvent e;
                try {
                    e = JsonRecords.fromJson(line, DbAccessEvent.class);
                } catch (IllegalArgumentException ex) {
                    skipped++;
                    continue;
                }
                events++;
                accept(e).ifPresent(out::add);
            }
        }
        return new RunResult(out, events, skipped);
    }

    /** Alerts of a file run, with how many lines were used and skipped. */
    public record RunResult(List<ExfiltrationAlert> alerts, long events, long skippedLines) {}

    private ExfiltrationAlert alert(DbAccessEvent e, Instant hour, long rows) {
        String id = "static-" + e.getAccount() + "-" + hour.getEpochSecond();
        return ExfiltrationAlert.newBuilder()
                .setAlertId(id)
                .setIncidentId(id)
                .setStatus(AlertStatus.OPENED)
                .setKind(AlertKind.BULK_READ)
                .setSeverity(rows > 10 * threshold ? Severity.CRITICAL : Severity.HIGH)
                .setScore((double) rows / threshold)
                .setAccount(e.getAccount())
                .setTable(ScopeProfile.ALL_SENSITIVE)
                .setDetectedAt(e.getEventTime())
                .setWindow("1h")
                .setWindowStart(hour)
                .setWindowEnd(hour.plus(Duration.ofHours(1)))
                .setObservedRows(rows)
                .setBaselineRows(threshold)
                .setThresholdRows(threshold)
                .setBaselineMethod(BASELINE_METHOD)
                .setBaselineHistoryDays(0)
                .setReason(String.format(
                        Locale.ROOT,
                        "%s read %d sensitive rows in the hour from %s, over the fixed limit of %d",
                        e.getAccount(),
                        rows,
                        hour,
                        threshold))
                .setDetectorVersion(BASELINE_METHOD)
                .build();
    }
}
