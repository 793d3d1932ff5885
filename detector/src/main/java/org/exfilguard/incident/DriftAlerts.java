package org.exfilguard.incident;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.exfilguard.detect.DriftVerdict;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;
import org.exfilguard.schema.Severity;

/**
 * The records of a slow-drift incident: OPENED when the account's daily CUSUM crosses its alarm line, CLOSED when
 * it falls back to zero. The reason says the norm, the excess and since when.
 */
public final class DriftAlerts {

    /** The window name drift records carry. */
    public static final String WINDOW = "drift";
    /** The baseline method: the account's own daily totals. */
    public static final String METHOD = "personal-daily-cusum";

    private final String detectorVersion;
    private final IncidentLifecycle.Severities severities;

    public DriftAlerts(String detectorVersion, IncidentLifecycle.Severities severities) {
        this.detectorVersion = detectorVersion;
        this.severities = severities;
    }

    /** The id of a drift incident: apart from the bulk-read incidents of the same scope. */
    public static String incidentId(String account, String scope, Instant openedAt) {
        return Ids.incidentId(account, scope + '\u0000' + WINDOW, openedAt.toEpochMilli());
    }

    /** The OPENED record, from the read that crossed the line. */
    public ExfiltrationAlert opened(String account, String scope, DriftVerdict v, String clientIp, String fingerprint) {
        List<String> ips = clientIp == null ? List.of() : List.of(clientIp);
        List<String> fingerprints = fingerprint == null ? List.of() : List.of(fingerprint);
        return base(account, scope, v)
                .setAlertId(Ids.alertId(v.incidentId(), 0))
                .setStatus(AlertStatus.OPENED)
                .setClientIps(ips)
                .setStatementFingerprints(fingerprints)
                .setReason(openedReason(account, scope, v))
                .setTotals(IncidentTotals.newBuilder()
                        .setRows(v.runRows())
                        .setBytes(null)
                        .setLargestReadRows(0)
                        .setFirstRead(v.since())
                        .setLastRead(v.at())
                        .setClientIps(ips)
                        .setStatementFingerprints(fingerprints)
                        .build())
                .build();
    }

    /** The CLOSED record, at the end of the day the CUSUM reset on. */
    public ExfiltrationAlert closed(String account, String scope, DriftVerdict v) {
        return base(account, scope, v)
                .setAlertId(Ids.alertId(v.incidentId(), 1))
                .setStatus(AlertStatus.CLOSED)
                .setSeverity(Severity.LOW)
                .setReason("Closed: reads of " + Reasons.tableName(scope) + " by " + account
                        + " are back to their norm of " + Reasons.count(v.norm()) + " rows a day (drift since "
                        + day(v.since()) + ", " + v.days() + " days, " + Reasons.count(v.runRows()) + " rows).")
                .build();
    }

    private ExfiltrationAlert.Builder base(String account, String scope, DriftVerdict v) {
        return ExfiltrationAlert.newBuilder()
                .setIncidentId(v.incidentId())
                .setKind(AlertKind.SLOW_DRIFT)
                // A drift confirmed over days is never LOW; how far the CUSUM went past its line raises it.
                .setSeverity(severities.of(Math.max(severities.medium(), v.score())))
                .setScore(Math.round(v.score() * 100) / 100.0)
                .setAccount(account)
                .setTable(scope)
                .setDetectedAt(v.at())
                .setWindow(WINDOW)
                .setWindowStart(v.since())
                .setWindowEnd(v.at())
                .setObservedRows(v.runRows())
                .setObservedBytes(null)
                .setBaselineRows(Math.round(v.norm() * 10) / 10.0)
                .setBaselineSpread(Math.round(v.spread() * 10) / 10.0)
                .setThresholdRows(Math.round((v.norm() + v.shift()) * 10) / 10.0)
                .setBaselineMethod(METHOD)
                .setBaselineHistoryDays(v.historyDays())
                .setPeerPercentile(null)
                .setFirstSeen(v.since())
                .setClientIps(List.of())
                .setStatementFingerprints(List.of())
                .setEgress(null)
                .setMitreTechniques(List.of(AttackCatalog.DATA_FROM_REPOSITORIES.uid()))
                .setSuppressed(false)
                .setSuppressionReason(null)
                .setDetectorVersion(detectorVersion)
                .setTotals(null);
    }

    static String openedReason(String account, String scope, DriftVerdict v) {
        return account + " has read more of " + Reasons.tableName(scope) + " than its norm for " + v.days()
                + " days, since "
                + v.since() + ": " + Reasons.count(v.runRows()) + " rows, " + Reasons.count(v.excess())
                + " over its norm of " + Reasons.count(v.norm()) + " rows a day (median of " + v.historyDays()
                + " days, spread " + Reasons.count(v.spread()) + "), " + Reasons.count(v.todayRows())
                + " so far today; each day worth more than " + Reasons.count(v.shift())
                + " rows over the norm counts, and the drift alarms after twice that (CUSUM " + Reasons.count(v.cusum())
                + ").";
    }

    private static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }
}
