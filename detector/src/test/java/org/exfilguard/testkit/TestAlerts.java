package org.exfilguard.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;
import org.exfilguard.schema.Severity;

/**
 * Builders for alerts with sane defaults: {@code TestAlerts.alert().status(UPDATED).withEgress().build()}.
 * Default: jdoe's bulk read of coop.members, 480,000 rows in the 1h window against a personal baseline.
 */
public final class TestAlerts {

    private TestAlerts() {}

    public static Alert alert() {
        return new Alert();
    }

    /** An alert under construction. */
    public static final class Alert {
        private String incidentId = "inc-5f1c2a9e03b7d4e86a21";
        private String alertId = "alr-0b9e7c5a31d24f6e8a10";
        private AlertStatus status = AlertStatus.OPENED;
        private AlertKind kind = AlertKind.BULK_READ;
        private Severity severity = Severity.HIGH;
        private double score = 8.3;
        private String account = "jdoe";
        private String table = "coop.members";
        private Instant detectedAt = Instant.parse("2026-03-14T02:47:00Z");
        private String window = "1h";
        private long observedRows = 480_000;
        private Long observedBytes = 96_000_000L;
        private double baselineRows = 12_000;
        private double baselineSpread = 2_500;
        private double thresholdRows = 57_800;
        private String baselineMethod = "personal-daily-peak";
        private int historyDays = 28;
        private Double peerPercentile;
        private List<String> clientIps = new ArrayList<>(List.of("10.20.0.14", "10.20.0.15"));
        private List<String> fingerprints = new ArrayList<>(List.of(
                "select * from coop.members where member_id > ? order by member_id limit ?",
                "select email, phone from coop.members where region = ?"));
        private EgressEvidence egress;
        private IncidentTotals totals;
        private List<String> techniques = new ArrayList<>(List.of("T1213"));
        private boolean suppressed;
        private String suppressionReason;
        private String reason =
                "jdoe read 480,000 rows of coop.members in 42 min (1h window); normal for this account is 12,000 rows.";

        public Alert ids(String incidentId, String alertId) {
            this.incidentId = incidentId;
            this.alertId = alertId;
            return this;
        }

        public Alert status(AlertStatus status) {
            this.status = status;
            return this;
        }

        public Alert kind(AlertKind kind) {
            this.kind = kind;
            return this;
        }

        public Alert severity(Severity severity) {
            this.severity = severity;
            return this;
        }

        public Alert score(double score) {
            this.score = score;
            return this;
        }

        public Alert account(String account) {
            this.account = account;
            return this;
        }

        public Alert table(String table) {
            this.table = table;
            return this;
        }

        public Alert detectedAt(Instant at) {
            this.detectedAt = at;
            return this;
        }

        public Alert rows(long rows) {
            this.observedRows = rows;
            return this;
        }

        public Alert bytes(Long bytes) {
            this.observedBytes = bytes;
            return this;
        }

        public Alert coldStart(double peerPercentile) {
            this.baselineMethod = "peer-quantile";
            this.historyDays = 2;
            this.peerPercentile = peerPercentile;
            this.baselineSpread = 0;
            return this;
        }

        public Alert clientIps(String... ips) {
            this.clientIps = new ArrayList<>(List.of(ips));
            return this;
        }

        public Alert techniques(String... ids) {
            this.techniques = new ArrayList<>(List.of(ids));
            return this;
        }

        public Alert suppressed(String reason) {
            this.suppressed = true;
            this.suppressionReason = reason;
            return this;
        }

        public Alert reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** Read then egress: 430 MB from the first client ip to a destination never seen before in the org. */
        public Alert withEgress() {
            this.kind = AlertKind.READ_THEN_EGRESS;
            this.techniques = new ArrayList<>(List.of("T1213", "T1048", "T1567"));
            String src = clientIps.isEmpty() ? "10.20.0.14" : clientIps.get(0);
            this.egress = EgressEvidence.newBuilder()
                    .setSrcIp(src)
                    .setBytesOut(431_000_000L)
                    .setFirstTime(detectedAt.plus(Duration.ofMinutes(3)))
                    .setLastTime(detectedAt.plus(Duration.ofMinutes(19)))
                    .setDestinations(List.of(
                            EgressDestination.newBuilder()
                                    .setDstIp("203.0.113.77")
                                    .setDstHost("upload.example-share.net")
                                    .setDstPort(443)
                                    .setFlows(12)
                                    .setBytesOut(430_000_000L)
                                    .setFirstSeenFromHost(true)
                                    .setFirstSeenInOrg(true)
                                    .build(),
                            EgressDestination.newBuilder()
                                    .setDstIp("198.51.100.20")
                                    .setDstHost(null)
                                    .setBytesOut(1_000_000L)
                                    .setFirstSeenFromHost(false)
                                    .setFirstSeenInOrg(false)
                                    .build()))
                    .build();
            return this;
        }

        /** The incident's totals: 1.2 million rows over three hours from two hosts, and the upload when there is one. */
        public Alert withTotals() {
            this.totals = IncidentTotals.newBuilder()
                    .setRows(1_200_000)
                    .setBytes(216_000_000L)
                    .setLargestReadRows(25_000)
                    .setFirstRead(detectedAt.minus(Duration.ofHours(3)))
                    .setLastRead(detectedAt.minus(Duration.ofMinutes(2)))
                    .setClientIps(List.of("10.20.0.14", "10.20.0.15"))
                    .setStatementFingerprints(fingerprints)
                    .setEgressBytesOut(egress == null ? 0 : egress.getBytesOut())
                    .setEgressDestinations(egress == null ? List.of() : List.of("203.0.113.77"))
                    .build();
            return this;
        }

        public ExfiltrationAlert build() {
            Instant windowStart = detectedAt.minus(Duration.ofHours(1));
            return ExfiltrationAlert.newBuilder()
                    .setAlertId(alertId)
                    .setIncidentId(incidentId)
                    .setStatus(status)
                    .setKind(kind)
                    .setSeverity(severity)
                    .setScore(score)
                    .setAccount(account)
                    .setTable(table)
                    .setDetectedAt(detectedAt)
                    .setWindow(window)
                    .setWindowStart(windowStart)
                    .setWindowEnd(detectedAt)
                    .setObservedRows(observedRows)
                    .setObservedBytes(observedBytes)
                    .setBaselineRows(baselineRows)
                    .setBaselineSpread(baselineSpread)
                    .setThresholdRows(thresholdRows)
                    .setBaselineMethod(baselineMethod)
                    .setBaselineHistoryDays(historyDays)
                    .setPeerPercentile(peerPercentile)
                    .setFirstSeen(detectedAt.minus(Duration.ofMinutes(42)))
                    .setClientIps(clientIps)
                    .setStatementFingerprints(fingerprints)
                    .setEgress(egress)
                    .setMitreTechniques(techniques)
                    .setSuppressed(suppressed)
                    .setSuppressionReason(suppressionReason)
                    .setReason(reason)
                    .setDetectorVersion("0.3.0-test")
                    .setTotals(totals)
                    .build();
        }
    }
}
