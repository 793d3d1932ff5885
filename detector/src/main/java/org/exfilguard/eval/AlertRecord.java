package org.exfilguard.eval;

import java.time.Instant;
import java.util.Objects;

/**
 * The fields of an alert that evaluation needs, as read from alert JSON lines.
 * {@code table} is a sensitive table or {@code *} for the account's reads across all sensitive tables.
 */
public record AlertRecord(
        String alertId,
        String incidentId,
        String status,
        String kind,
        String severity,
        double score,
        String account,
        String table,
        Instant detectedAt,
        Instant windowStart,
        Instant windowEnd,
        long observedRows,
        double baselineRows,
        String reason,
        boolean suppressed) {

    public static final String ALL_SENSITIVE_TABLES = "*";

    public AlertRecord {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(detectedAt, "detectedAt");
    }

    /** CLOSED records report the end of an incident, not a detection. */
    public boolean isDetection() {
        return !"CLOSED".equalsIgnoreCase(status);
    }

    public boolean coversTable(String t) {
        return ALL_SENSITIVE_TABLES.equals(table) || table.equalsIgnoreCase(t);
    }
}
