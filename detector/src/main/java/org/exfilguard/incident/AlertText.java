package org.exfilguard.incident;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;

/**
 * An alert as an analyst reads it on a console: who, which table, how much against what normal, when, why. Every
 * text that comes from the logs or the allow-list goes through {@link ConsoleEscapes}, so that no account name can
 * move the cursor, rewrite a line or forge one.
 */
public final class AlertText {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private AlertText() {}

    public static String format(ExfiltrationAlert a) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "[%s] %-7s %-8s %s on %s  (%s, score %.1f, incident %s)%n",
                TIME.format(a.getDetectedAt()),
                a.getStatus(),
                a.getSeverity(),
                safe(a.getAccount()),
                safe(Reasons.tableName(a.getTable())),
                a.getKind(),
                a.getScore(),
                safe(a.getIncidentId())));
        out.append(String.format(
                Locale.ROOT,
                "    %s rows in the %s window %s..%s; threshold %s, typical %s (%s, %d days of history)%n",
                Reasons.count(a.getObservedRows()),
                safe(a.getWindow()),
                TIME.format(a.getWindowStart()),
                TIME.format(a.getWindowEnd()),
                Reasons.count(a.getThresholdRows()),
                Reasons.count(a.getBaselineRows()),
                safe(a.getBaselineMethod()),
                a.getBaselineHistoryDays()));
        if (!a.getClientIps().isEmpty()) {
            out.append("    from ")
                    .append(safe(String.join(", ", a.getClientIps())))
                    .append('\n');
        }
        IncidentTotals t = a.getTotals();
        if (t != null && a.getStatus() != AlertStatus.OPENED) {
            out.append(String.format(
                    Locale.ROOT,
                    "    incident so far: %s rows%s in %s..%s from %d client ip(s)",
                    Reasons.count(t.getRows()),
                    t.getBytes() == null ? "" : " (" + Reasons.count(t.getBytes()) + " bytes)",
                    TIME.format(t.getFirstRead()),
                    TIME.format(t.getLastRead()),
                    t.getClientIps().size()));
            if (t.getEgressBytesOut() > 0) {
                out.append(String.format(
                        Locale.ROOT,
                        "; %s bytes out to %d new destination(s)",
                        Reasons.count(t.getEgressBytesOut()),
                        t.getEgressDestinations().size()));
            }
            out.append('\n');
        }
        if (a.getSuppressed()) {
            out.append("    SUPPRESSED: ")
                    .append(safe(a.getSuppressionReason()))
                    .append('\n');
        }
        out.append("    why: ").append(safe(a.getReason())).append('\n');
        return out.toString();
    }

    private static String safe(Object text) {
        return text == null ? "null" : ConsoleEscapes.text(text.toString());
    }
}
