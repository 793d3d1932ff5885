package org.exfilguard.incident;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.exfilguard.detect.TableDetector;
import org.exfilguard.detect.TableSettings;
import org.exfilguard.profile.TableProfile;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.Contributor;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Severity;

/**
 * One incident per sensitive table read by many accounts at once: OPENED when a window of the table's breadth
 * first crosses its threshold, UPDATED (paced, a bounded number of times) when the score grows, CLOSED after a
 * quiet period. Its records have account {@code *}, kind TABLE_SURGE, and name the accounts that made the surge
 * with their shares; each record names those of its own window, so an account that joins later is named then.
 */
public final class TableIncidents {

    /** The account of a table incident's records: many accounts, named in the contributors. */
    public static final String MANY_ACCOUNTS = "*";
    /** The baseline method of table records. */
    public static final String METHOD = "table-time-of-week";

    private static final long MINUTE_MILLIS = 60_000L;

    private final TableSettings settings;
    private final String detectorVersion;
    private final AvroBytes<ExfiltrationAlert> alerts = new AvroBytes<>(ExfiltrationAlert.class);

    public TableIncidents(TableSettings settings, String detectorVersion) {
        this.settings = settings;
        this.detectorVersion = detectorVersion;
    }

    /**
     * Closes the open incident if it has been quiet for the quiet period by the start of minute {@code minute}; the
     * CLOSED record is stamped with the moment the quiet period ended, never with when it was noticed.
     */
    public Optional<ExfiltrationAlert> closeIfQuiet(TableProfile profile, long minute) {
        TableProfile.TableIncident incident = profile.incident();
        if (incident == null) {
            return Optional.empty();
        }
        long closesAtMinute =
                incident.lastAlertingMinute() + 1 + settings.quietPeriod().toMinutes();
        if (minute < closesAtMinute) {
            return Optional.empty();
        }
        long closesAt = closesAtMinute * MINUTE_MILLIS;
        ExfiltrationAlert last = alerts.decode(incident.lastAlert());
        profile.incident(null);
        return Optional.of(ExfiltrationAlert.newBuilder(last)
                .setAlertId(Ids.alertId(incident.incidentId(), incident.alerts()))
                .setStatus(AlertStatus.CLOSED)
                .setDetectedAt(Instant.ofEpochMilli(closesAt))
                .setReason("Closed after " + settings.quietPeriod().toMinutes() + " minutes within the norm. "
                        + last.getReason())
                .build());
    }

    /** What a decided minute's verdicts mean for the table's incident: a record to publish, or none. */
    public Optional<ExfiltrationAlert> onMinute(TableProfile profile, List<TableDetector.Verdict> verdicts) {
        Optional<TableDetector.Verdict> strongest = verdicts.stream()
                .filter(TableDetector.Verdict::alerting)
                .max(Comparator.comparingDouble(TableDetector.Verdict::score));
        if (strongest.isEmpty()) {
            return Optional.empty();
        }
        TableDetector.Verdict top = strongest.get();
        long at = top.windowEndMillis();
        TableProfile.TableIncident incident = profile.incident();
        if (incident == null) {
            String id = Ids.incidentId(MANY_ACCOUNTS, profile.table(), at);
            long firstSeen = firstSeen(profile, top);
            ExfiltrationAlert alert = base(profile, top, firstSeen)
                    .setAlertId(Ids.alertId(id, 0))
                    .setIncidentId(id)
                    .setStatus(AlertStatus.OPENED)
                    .build();
            profile.incident(new TableProfile.TableIncident(
                    id, top.minute(), firstSeen, top.minute(), at, 1, top.score(), alerts.encode(alert)));
            return Optional.of(alert);
        }
        boolean grew = top.score() >= incident.lastScore() * settings.growthFactor();
        boolean due =
                at >= incident.lastAlertMillis() + settings.updateInterval().toMillis();
        boolean budget = incident.alerts() <= settings.maxUpdates();
        if (grew && due && budget) {
            ExfiltrationAlert alert = base(profile, top, incident.firstSeenMillis())
                    .setAlertId(Ids.alertId(incident.incidentId(), incident.alerts()))
                    .setIncidentId(incident.incidentId())
                    .setStatus(AlertStatus.UPDATED)
                    .build();
            profile.incident(new TableProfile.TableIncident(
                    incident.incidentId(),
                    incident.openedMinute(),
                    incident.firstSeenMillis(),
                    top.minute(),
                    at,
                    incident.alerts() + 1,
                    top.score(),
                    alerts.encode(alert)));
            return Optional.of(alert);
        }
        profile.incident(new TableProfile.TableIncident(
                incident.incidentId(),
                incident.openedMinute(),
                incident.firstSeenMillis(),
                top.minute(),
                incident.lastAlertMillis(),
                incident.alerts(),
                incident.lastScore(),
                incident.lastAlert()));
        return Optional.empty();
    }

    /** The earliest minute of the window in which a named account read: when the surge began, at the latest. */
    private static long firstSeen(TableProfile profile, TableDetector.Verdict top) {
        long first = top.minute();
        int minutes = (int) top.spec().length().toMinutes();
        for (TableDetector.Share s : top.contributors()) {
            long m = profile.firstMinuteOf(s.account(), top.minute(), minutes);
            if (m >= 0) {
                first = Math.min(first, m);
            }
        }
        return first * MINUTE_MILLIS;
    }

    private ExfiltrationAlert.Builder base(TableProfile profile, TableDetector.Verdict top, long firstSeen) {
        List<Contributor> contributors = new ArrayList<>();
        for (TableDetector.Share s : top.contributors()) {
            contributors.add(new Contributor(s.account(), s.rows(), s.share()));
        }
        double score = Math.round(top.score() * 100) / 100.0;
        return ExfiltrationAlert.newBuilder()
                .setKind(AlertKind.TABLE_SURGE)
                .setSeverity(severity(top.score()))
                .setScore(score)
                .setAccount(MANY_ACCOUNTS)
                .setTable(profile.table())
                .setDetectedAt(Instant.ofEpochMilli(top.windowEndMillis()))
                .setWindow(top.spec().name())
                .setWindowStart(Instant.ofEpochMilli(top.windowStartMillis()))
                .setWindowEnd(Instant.ofEpochMilli(top.windowEndMillis()))
                .setObservedRows(top.volume())
                .setObservedBytes(null)
                .setBaselineRows(Math.round(top.typical() * 10) / 10.0)
                .setBaselineSpread(Math.round(top.spread() * 10) / 10.0)
                .setThresholdRows(Math.round(top.threshold() * 10) / 10.0)
                .setBaselineMethod(METHOD)
                .setBaselineHistoryDays(top.historyDays())
                .setPeerPercentile(null)
                .setFirstSeen(Instant.ofEpochMilli(firstSeen))
                .setClientIps(List.of())
                .setStatementFingerprints(List.of())
                .setEgress(null)
                .setMitreTechniques(List.of(AttackCatalog.DATA_FROM_REPOSITORIES.uid()))
                .setSuppressed(false)
                .setSuppressionReason(null)
                .setReason(reason(profile.table(), top))
                .setDetectorVersion(detectorVersion)
                .setTotals(null)
                .setContributors(contributors);
    }

    static String reason(String table, TableDetector.Verdict top) {
        StringBuilder named = new StringBuilder();
        for (TableDetector.Share s : top.contributors()) {
            named.append(named.length() == 0 ? "" : ", ")
                    .append(s.account())
                    .append(String.format(Locale.ROOT, " %.0f%%", 100 * s.share()));
        }
        return String.format(
                Locale.ROOT,
                "%s was read by %d accounts at once: a sustained %,d rows in %s (%s times its median minute, none of the "
                        + "accounts dominating) against a threshold of %,.0f for this time of week (typical %,.0f over %d days); "
                        + "the surge came from %s.",
                Reasons.tableName(table),
                top.accounts(),
                top.volume(),
                top.spec().name(),
                top.spec().length().toMinutes(),
                top.threshold(),
                top.typical(),
                top.historyDays(),
                named);
    }

    /** Severity from how far over the threshold the table's breadth is. */
    static Severity severity(double score) {
        if (score >= 5) {
            return Severity.HIGH;
        }
        return score >= 1.5 ? Severity.MEDIUM : Severity.LOW;
    }
}
