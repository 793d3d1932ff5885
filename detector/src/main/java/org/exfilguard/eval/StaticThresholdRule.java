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
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.sim.CanonicalJson;

/**
 * The baseline a learnt detector must beat: alert when an account's rows returned from sensitive tables in a
 * tumbling clock hour exceed a fixed number. One alert per (account, hour), at the event that crossed it.
 * A statement that joins two sensitive tables counts its rows once.
 */
public final class StaticThresholdRule {
    public static final long DEFAULT_THRESHOLD = 100_000;
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
        this.sensitiveTables = Set.copyOf(sensitiveTables.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList());
    }

    /** Feeds one event; returns an alert when this event takes the account's hour over the threshold. */
    public Optional<AlertRecord> accept(DbAccessEvent e) {
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
        long[] state = hours.computeIfAbsent(e.getAccount() + "|" + hour.toEpochMilli(),
                k -> new long[] {hour.toEpochMilli(), 0, 0});
        state[1] += e.getRowsReturned();
        if (state[2] == 0 && state[1] > threshold) {
            state[2] = 1;
            return Optional.of(alert(e, hour, state[1]));
        }
        return Optional.empty();
    }

    public List<AlertRecord> run(Iterator<DbAccessEvent> events) {
        List<AlertRecord> out = new ArrayList<>();
        while (events.hasNext()) {
            accept(events.next()).ifPresent(out::add);
        }
        return out;
    }

    /** Alerts over a canonical JSON lines file; lines that are not db events (egress, bad lines) are counted. */
    public RunResult runOnCanonicalJson(Path file) throws IOException {
        List<AlertRecord> out = new ArrayList<>();
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
                    e = CanonicalJson.parseDbEvent(line);
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
    public record RunResult(List<AlertRecord> alerts, long events, long skippedLines) {
    }

    private AlertRecord alert(DbAccessEvent e, Instant hour, long rows) {
        String id = "static-" + e.getAccount() + "-" + hour.getEpochSecond();
        return new AlertRecord(id, id, "OPENED", "BULK_READ", rows > 10 * threshold ? "CRITICAL" : "HIGH",
                (double) rows / threshold, e.getAccount(), AlertRecord.ALL_SENSITIVE_TABLES, e.getEventTime(),
                hour, hour.plus(Duration.ofHours(1)), rows, threshold,
                String.format(Locale.ROOT, "%s read %d sensitive rows in the hour from %s, over the fixed limit of %d",
                        e.getAccount(), rows, hour, threshold),
                false);
    }
}
