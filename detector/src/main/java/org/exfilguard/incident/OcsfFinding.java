package org.exfilguard.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.exfilguard.detect.Threshold;
import org.exfilguard.profile.ScopeProfile;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;

/**
 * An alert as an OCSF Detection Finding (class 2004, category Findings), one JSON object per alert, for SIEMs
 * that ingest OCSF JSON (Splunk and others). Amazon Security Lake takes OCSF only as Parquet: this JSON needs a
 * conversion step before it.
 *
 * <p>The incident is the finding ({@code finding_info.uid}); each alert record is one activity on it (Create,
 * Update, Close) with its own {@code metadata.uid}. The baseline and the deviation go to {@code anomaly_analyses};
 * fingerprints, endpoints and egress destinations to {@code evidences}. Only fields of the alert are rendered,
 * and the alert carries no query literal, so neither does this.
 */
public final class OcsfFinding {

    /** The OCSF schema version this rendering follows (the excerpt in ../shared/ocsf). */
    /** The released OCSF version the findings follow (OcsfFindingTest checks them against its schema files). */
    public static final String OCSF_VERSION = "1.8.0";

    public static final int CATEGORY_UID = 2;
    public static final int CLASS_UID = 2004;
    public static final String PRODUCT_NAME = "exfilguard";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String VOLUME = "Volume Analysis";

    private OcsfFinding() {}

    /** One JSON line (no trailing newline). */
    public static String render(ExfiltrationAlert alert) {
        return JsonLine.of(toNode(alert));
    }

    public static ObjectNode toNode(ExfiltrationAlert alert) {
        Activity activity = Activity.of(alert.getStatus());
        ObjectNode f = MAPPER.createObjectNode();
        f.put("category_uid", CATEGORY_UID);
        f.put("category_name", "Findings");
        f.put("class_uid", CLASS_UID);
        f.put("class_name", "Detection Finding");
        f.put("activity_id", activity.id);
        f.put("activity_name", activity.caption);
        f.put("type_uid", CLASS_UID * 100L + activity.id);
        f.put("type_name", "Detection Finding: " + activity.caption);
        int severity = severityId(alert);
        f.put("severity_id", severity);
        f.put("severity", SEVERITY_CAPTIONS[severity]);
        status(f, alert);
        // A finding's time is when this record of it was generated: the event time at which the detector fired.
        f.put("time", millis(alert.getDetectedAt()));
        f.put("start_time", millis(firstSeen(alert)));
        f.put("end_time", millis(lastSeen(alert)));
        f.put("message", alert.getReason());
        f.put("is_alert", alert.getStatus() != AlertStatus.CLOSED && !alert.getSuppressed());
        int confidence = confidenceId(alert);
        f.put("confidence_id", confidence);
        f.put("confidence", CONFIDENCE_CAPTIONS[confidence]);
        f.set("metadata", metadata(alert));
        f.set("finding_info", findingInfo(alert, activity));
        if (!isAllTables(alert)) {
            f.set(
                    "resources",
                    MAPPER.createArrayNode()
                            .add(MAPPER.createObjectNode()
                                    .put("name", alert.getTable())
                                    .put("type", "Database Table")));
        }
        f.set("anomaly_analyses", anomalyAnalyses(alert));
        Evidences evidences = evidences(alert);
        f.set("evidences", evidences.array);
        f.set("observables", observables(alert, evidences));
        return f;
    }

    /** Our lifecycle as OCSF finding activities (Finding.activity_id). */
    private enum Activity {
        CREATE(1, "Create"),
        UPDATE(2, "Update"),
        CLOSE(3, "Close");

        final int id;
        final String caption;

        Activity(int id, String caption) {
            this.id = id;
            this.caption = caption;
        }

        static Activity of(AlertStatus status) {
            return switch (status) {
                case OPENED -> CREATE;
                case UPDATED -> UPDATE;
                case CLOSED -> CLOSE;
            };
        }
    }

    private static final String[] SEVERITY_CAPTIONS = {"Unknown", "Informational", "Low", "Medium", "High", "Critical"};
    private static final String[] CONFIDENCE_CAPTIONS = {"Unknown", "Low", "Medium", "High"};

    private static int severityId(ExfiltrationAlert alert) {
        return switch (alert.getSeverity()) {
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
            case CRITICAL -> 5;
        };
    }

    /**
     * Finding status is the triage state. The detector cannot know whether anyone reviewed the finding, so an
     * update stays New rather than claiming In Progress; an allow-listed alert is Suppressed (benign by
     * configuration); a closed incident was closed by the detector after a quiet period, not remediated by a
     * person, so it is Other with the label "Closed" rather than Resolved.
     */
    private static void status(ObjectNode f, ExfiltrationAlert alert) {
        if (alert.getSuppressed()) {
            f.put("status_id", 3);
            f.put("status", "Suppressed");
            if (alert.getSuppressionReason() != null) {
                f.put("status_detail", alert.getSuppressionReason());
            }
        } else if (alert.getStatus() == AlertStatus.CLOSED) {
            f.put("status_id", 99);
            f.put("status", "Closed");
            f.put("status_detail", "Closed by the detector after a quiet period; not reviewed.");
        } else {
            f.put("status_id", 1);
            f.put("status", "New");
        }
    }

    /**
     * How well the rule knows what normal is: an account's own history is the firmest ground, a peer quantile
     * less so, a fixed cold-start floor least; a read followed by unusual egress is two signals agreeing.
     */
    static int confidenceId(ExfiltrationAlert alert) {
        if (alert.getKind() == AlertKind.READ_THEN_EGRESS) {
            return 3;
        }
        return switch (alert.getBaselineMethod()) {
            case Threshold.PERSONAL, Threshold.NIGHT -> 3;
            case Threshold.PEER, Threshold.OFF_HOURS -> 2;
            default -> 1;
        };
    }

    private static ObjectNode metadata(ExfiltrationAlert alert) {
        ObjectNode product = MAPPER.createObjectNode()
                .put("name", PRODUCT_NAME)
                .put("vendor_name", PRODUCT_NAME)
                .put("version", alert.getDetectorVersion());
        ObjectNode metadata = MAPPER.createObjectNode();
        metadata.set("product", product);
        metadata.put("version", OCSF_VERSION);
        metadata.put("uid", alert.getAlertId());
        metadata.put("correlation_uid", alert.getIncidentId());
        metadata.put("event_code", alert.getKind().name());
        return metadata;
    }

    private static ObjectNode findingInfo(ExfiltrationAlert alert, Activity activity) {
        ObjectNode info = MAPPER.createObjectNode();
        info.put("uid", alert.getIncidentId());
        info.put("title", title(alert));
        info.put("desc", alert.getReason());
        if (activity == Activity.CREATE) {
            info.put("created_time", millis(alert.getDetectedAt()));
        }
        info.put("modified_time", millis(alert.getDetectedAt()));
        info.put("first_seen_time", millis(firstSeen(alert)));
        info.put("last_seen_time", millis(lastSeen(alert)));
        info.set("types", MAPPER.createArrayNode().add(kindCaption(alert.getKind())));
        info.set("analytic", analytic(alert));
        info.set("attacks", attacks(alert));
        ArrayNode sources = MAPPER.createArrayNode();
        if (alert.getKind() != AlertKind.EGRESS_ONLY) {
            sources.add("database access logs");
        }
        if (alert.getEgress() != null || alert.getKind() == AlertKind.EGRESS_ONLY) {
            sources.add("network egress logs");
        }
        info.set("data_sources", sources);
        if (!alert.getRelatedIncidentIds().isEmpty()) {
            // The TABLE_SURGE findings that named the account, by their finding_info.uid (their
            // metadata.correlation_uid):
            // a finding is the incident, so no one record of it (metadata.uid) stands for it.
            ArrayNode related = info.putArray("related_events");
            alert.getRelatedIncidentIds().forEach(id -> related.addObject().put("uid", id));
            info.put("related_events_count", alert.getRelatedIncidentIds().size());
        }
        return info;
    }

    static String title(ExfiltrationAlert alert) {
        String table = isAllTables(alert) ? "sensitive tables" : alert.getTable();
        return switch (alert.getKind()) {
            case READ_THEN_EGRESS ->
                "Bulk read of " + table + " by " + alert.getAccount() + ", then egress"
                        + (alert.getEgress() == null
                                ? ""
                                : " from " + alert.getEgress().getSrcIp());
            case EGRESS_ONLY ->
                "Unusual egress"
                        + (alert.getEgress() == null
                                ? ""
                                : " from " + alert.getEgress().getSrcIp()) + " (" + alert.getAccount() + ")";
            case SLOW_DRIFT -> "Slow drift in reads of " + table + " by " + alert.getAccount();
            case TABLE_SURGE ->
                "Surge of reads of " + table + " by " + alert.getContributors().size() + " accounts at once";
            case UNDETERMINED_TABLES ->
                "Bulk read by " + alert.getAccount() + " through statements whose tables could not be" + " determined";
            default -> "Bulk read of " + table + " by " + alert.getAccount();
        };
    }

    private static String kindCaption(AlertKind kind) {
        return switch (kind) {
            case BULK_READ -> "Bulk Read";
            case UNDETERMINED_TABLES -> "Bulk Read Of Undetermined Tables";
            case READ_THEN_EGRESS -> "Bulk Read Then Egress";
            case EGRESS_ONLY -> "Unusual Egress";
            case SLOW_DRIFT -> "Slow Drift";
            case TABLE_SURGE -> "Table Read Surge";
            case UNKNOWN -> "Data Exfiltration";
        };
    }

    private static ObjectNode analytic(ExfiltrationAlert alert) {
        String profile = switch (alert.getKind()) {
            case EGRESS_ONLY -> "egress-profile";
            case TABLE_SURGE -> "table-profile";
            default -> "read-profile";
        };
        return MAPPER.createObjectNode()
                .put("name", PRODUCT_NAME + " " + profile)
                .put("uid", profile + (alert.getWindow().isEmpty() ? "" : "/" + alert.getWindow()))
                // Analytic.type_id 3: a volume compared with a robust baseline of the account's own history.
                .put("type_id", 3)
                .put("type", "Statistical")
                .put(
                        "desc",
                        alert.getKind() == AlertKind.TABLE_SURGE
                                ? "Rows per minute of a sensitive table across all accounts, without the accounts that dominate"
                                        + " them, compared with the table's own norm for the hour of the week."
                                : alert.getKind() == AlertKind.SLOW_DRIFT
                                        ? "One-sided CUSUM of the account's daily rows of the sensitive table against its own robust daily"
                                                + " norm (median and MAD of its last days): growth sustained over days."
                                        : "Sliding-window volume per account and sensitive table compared with the account's"
                                                + " robust baseline (median and MAD of daily peaks) or, on cold start, its peers' quantile.");
    }

    private static ArrayNode attacks(ExfiltrationAlert alert) {
        ArrayNode attacks = MAPPER.createArrayNode();
        for (String id : new LinkedHashSet<>(alert.getMitreTechniques())) {
            ObjectNode attack = MAPPER.createObjectNode();
            AttackCatalog.technique(id)
                    .ifPresentOrElse(
                            t -> {
                                if (t.isSubTechnique()) {
                                    attack.set("sub_technique", entity(t.uid(), t.name(), t.url()));
                                    AttackCatalog.technique(t.parentUid())
                                            .ifPresentOrElse(
                                                    parent -> attack.set(
                                                            "technique",
                                                            entity(parent.uid(), parent.name(), parent.url())),
                                                    () -> attack.set(
                                                            "technique",
                                                            MAPPER.createObjectNode()
                                                                    .put("uid", t.parentUid())));
                                } else {
                                    attack.set("technique", entity(t.uid(), t.name(), t.url()));
                                }
                                attack.set(
                                        "tactic",
                                        entity(
                                                t.tactic().uid(),
                                                t.tactic().name(),
                                                t.tactic().url()));
                            },
                            () -> attack.set(
                                    "technique", MAPPER.createObjectNode().put("uid", id)));
            attacks.add(attack);
        }
        return attacks;
    }

    private static ObjectNode entity(String uid, String name, String url) {
        return MAPPER.createObjectNode().put("uid", uid).put("name", name).put("src_url", url);
    }

    private static ArrayNode anomalyAnalyses(ExfiltrationAlert alert) {
        ArrayNode analyses = MAPPER.createArrayNode();
        if (alert.getKind() != AlertKind.EGRESS_ONLY || alert.getObservedRows() > 0) {
            analyses.add(readAnalysis(alert));
        }
        if (alert.getEgress() != null) {
            analyses.add(egressAnalysis(alert.getEgress()));
        }
        return analyses;
    }

    /**
     * The read volume against its baseline. OCSF observations are string values without a name of their own, so
     * each quantity is its own baseline or anomaly entry, named by {@code observation_parameter}
     * ({@code rows_returned}, {@code rows_returned.typical}, ...); the baseline method is the observed pattern.
     */
    private static ObjectNode readAnalysis(ExfiltrationAlert alert) {
        ObjectNode analysis = MAPPER.createObjectNode();
        ArrayNode targets = MAPPER.createArrayNode();
        targets.add(MAPPER.createObjectNode().put("name", alert.getAccount()).put("type", "User Account"));
        targets.add(MAPPER.createObjectNode()
                .put("name", isAllTables(alert) ? "all sensitive tables" : alert.getTable())
                .put("type", "Database Table"));
        analysis.set("analysis_targets", targets);

        ObjectNode history = MAPPER.createObjectNode()
                .put("duration_days", alert.getBaselineHistoryDays())
                .put("type_id", 5)
                .put("type", "Days");
        ArrayNode baselines = MAPPER.createArrayNode();
        String method = alert.getBaselineMethod();
        baselines.add(measure("rows_returned.typical", method, number(alert.getBaselineRows()), history));
        baselines.add(measure("rows_returned.spread", method, number(alert.getBaselineSpread()), history));
        baselines.add(measure("rows_returned.threshold", method, number(alert.getThresholdRows()), history));
        if (alert.getPeerPercentile() != null) {
            baselines.add(measure("rows_returned.peer_percentile", method, number(alert.getPeerPercentile()), null));
        }
        for (var b : baselines) {
            ((ObjectNode) b).put("observation_type", VOLUME);
        }
        analysis.set("baselines", baselines);

        ObjectNode window = interval(alert.getWindowStart(), alert.getWindowEnd());
        ArrayNode anomalies = MAPPER.createArrayNode();
        String pattern = alert.getScore() >= 5 ? "SURGE" : "HIGH_VOLUME";
        anomalies.add(measure("rows_returned", pattern, Long.toString(alert.getObservedRows()), window));
        if (alert.getObservedBytes() != null) {
            anomalies.add(measure("bytes_returned", pattern, Long.toString(alert.getObservedBytes()), window));
        }
        anomalies.add(measure("rows_returned.score", pattern, number(alert.getScore()), window));
        for (var a : anomalies) {
            ((ObjectNode) a).put("observation_type", VOLUME);
        }
        analysis.set("anomalies", anomalies);
        return analysis;
    }

    private static ObjectNode egressAnalysis(EgressEvidence egress) {
        ObjectNode analysis = MAPPER.createObjectNode();
        analysis.set(
                "analysis_targets",
                MAPPER.createArrayNode()
                        .add(MAPPER.createObjectNode()
                                .put("name", egress.getSrcIp())
                                .put("type", "Host")));
        ArrayNode anomalies = MAPPER.createArrayNode();
        anomalies.add(measure(
                        "bytes_out",
                        "HIGH_VOLUME",
                        Long.toString(egress.getBytesOut()),
                        interval(egress.getFirstTime(), egress.getLastTime()))
                .put("observation_type", VOLUME));
        ArrayNode unseen = MAPPER.createArrayNode();
        for (EgressDestination d : egress.getDestinations()) {
            if (d.getFirstSeenFromHost() || d.getFirstSeenInOrg()) {
                unseen.add(MAPPER.createObjectNode().put("value", d.getDstIp()).put("count", 1));
            }
        }
        if (!unseen.isEmpty()) {
            ObjectNode destinations = MAPPER.createObjectNode()
                    .put("observation_parameter", "dst_ip")
                    .put("observation_type", "Frequency Analysis")
                    .put("observed_pattern", "UNSEEN");
            destinations.set("observations", unseen);
            anomalies.add(destinations);
        }
        analysis.set("anomalies", anomalies);
        return analysis;
    }

    private static ObjectNode measure(String parameter, String pattern, String value, ObjectNode timespan) {
        ObjectNode observation = MAPPER.createObjectNode().put("value", value);
        if (timespan != null) {
            observation.set("timespan", timespan.deepCopy());
        }
        ObjectNode measure = MAPPER.createObjectNode()
                .put("observation_parameter", parameter)
                .put("observed_pattern", pattern);
        measure.set("observations", MAPPER.createArrayNode().add(observation));
        return measure;
    }

    private static ObjectNode interval(Instant start, Instant end) {
        return MAPPER.createObjectNode()
                .put("start_time", millis(start))
                .put("end_time", millis(end))
                .put("duration", Duration.between(start, end).toMillis())
                .put("type_id", 9)
                .put("type", "Time Interval");
    }

    /** The evidence array and where in it each kind of artifact sits, for the observables to point at. */
    private record Evidences(ArrayNode array, int read, int firstClient, int egress) {}

    private static Evidences evidences(ExfiltrationAlert alert) {
        ArrayNode array = MAPPER.createArrayNode();
        ObjectNode read = MAPPER.createObjectNode().put("name", "bulk read");
        read.set("user", user(alert));
        String database = database(alert);
        if (database != null) {
            // Every log format we parse is a relational database's audit or query log.
            read.set(
                    "database",
                    MAPPER.createObjectNode()
                            .put("name", database)
                            .put("type_id", 1)
                            .put("type", "Relational"));
        }
        ObjectNode data = MAPPER.createObjectNode();
        data.put("table", alert.getTable());
        data.put("window", alert.getWindow());
        data.put("window_start", millis(alert.getWindowStart()));
        data.put("window_end", millis(alert.getWindowEnd()));
        data.put("observed_rows", alert.getObservedRows());
        if (alert.getObservedBytes() != null) {
            data.put("observed_bytes", alert.getObservedBytes());
        }
        ArrayNode fingerprints = data.putArray("statement_fingerprints");
        alert.getStatementFingerprints().forEach(fingerprints::add);
        read.set("data", data);
        array.add(read);

        int firstClient = array.size();
        for (String ip : alert.getClientIps()) {
            ObjectNode client = MAPPER.createObjectNode().put("name", "client endpoint");
            client.set("src_endpoint", MAPPER.createObjectNode().put("ip", ip));
            client.set("user", user(alert));
            array.add(client);
        }

        int egressAt = array.size();
        EgressEvidence egress = alert.getEgress();
        if (egress != null) {
            ObjectNode total = MAPPER.createObjectNode().put("name", "egress");
            total.set("src_endpoint", MAPPER.createObjectNode().put("ip", egress.getSrcIp()));
            total.set(
                    "data",
                    MAPPER.createObjectNode()
                            .put("bytes_out", egress.getBytesOut())
                            .put("first_time", millis(egress.getFirstTime()))
                            .put("last_time", millis(egress.getLastTime()))
                            .put("destinations", egress.getDestinations().size()));
            array.add(total);
            for (EgressDestination d : egress.getDestinations()) {
                ObjectNode destination = MAPPER.createObjectNode().put("name", "egress destination");
                destination.set("src_endpoint", MAPPER.createObjectNode().put("ip", egress.getSrcIp()));
                ObjectNode dst = MAPPER.createObjectNode().put("ip", d.getDstIp());
                if (d.getDstHost() != null) {
                    dst.put("hostname", d.getDstHost());
                }
                if (d.getDstPort() != null) {
                    dst.put("port", d.getDstPort());
                }
                destination.set("dst_endpoint", dst);
                // Data left the organisation: an outbound connection (OCSF direction_id 2).
                destination.set(
                        "connection_info",
                        MAPPER.createObjectNode().put("direction", "Outbound").put("direction_id", 2));
                destination.set(
                        "data",
                        MAPPER.createObjectNode()
                                .put("bytes_out", d.getBytesOut())
                                .put("flows", d.getFlows())
                                .put("first_seen_from_host", d.getFirstSeenFromHost())
                                .put("first_seen_in_org", d.getFirstSeenInOrg()));
                array.add(destination);
            }
        }
        IncidentTotals totals = alert.getTotals();
        if (totals != null) {
            // Last, so the observables' indexes into the other evidences stay where they were.
            ObjectNode incident = MAPPER.createObjectNode().put("name", "incident totals");
            incident.set("user", user(alert));
            ObjectNode sums =
                    MAPPER.createObjectNode().put("table", alert.getTable()).put("rows", totals.getRows());
            if (totals.getBytes() != null) {
                sums.put("bytes", totals.getBytes());
            }
            sums.put("largest_read_rows", totals.getLargestReadRows())
                    .put("first_read", millis(totals.getFirstRead()))
                    .put("last_read", millis(totals.getLastRead()));
            totals.getClientIps().forEach(sums.putArray("client_ips")::add);
            totals.getStatementFingerprints().forEach(sums.putArray("statement_fingerprints")::add);
            sums.put("egress_bytes_out", totals.getEgressBytesOut());
            totals.getEgressDestinations().forEach(sums.putArray("egress_destinations")::add);
            incident.set("data", sums);
            array.add(incident);
        }
        return new Evidences(array, 0, firstClient, egress == null ? -1 : egressAt);
    }

    private static ObjectNode user(ExfiltrationAlert alert) {
        return MAPPER.createObjectNode().put("name", alert.getAccount());
    }

    /**
     * Observables point into the event ({@code evidences[i].src_endpoint.ip}); type ids are OCSF's observable
     * types: 4 User Name, 2 IP Address, 1 Hostname; a table has no observable type of its own, hence Other.
     */
    private static ArrayNode observables(ExfiltrationAlert alert, Evidences evidences) {
        ArrayNode observables = MAPPER.createArrayNode();
        observables.add(observable("evidences[" + evidences.read + "].user.name", 4, "User Name", alert.getAccount()));
        if (!isAllTables(alert)) {
            observables.add(observable("resources[0].name", 99, "Database Table", alert.getTable()));
        }
        Set<String> seenIps = new LinkedHashSet<>();
        for (int i = 0; i < alert.getClientIps().size(); i++) {
            String ip = alert.getClientIps().get(i);
            if (seenIps.add(ip)) {
                observables.add(observable(
                        "evidences[" + (evidences.firstClient + i) + "].src_endpoint.ip", 2, "IP Address", ip));
            }
        }
        EgressEvidence egress = alert.getEgress();
        if (egress != null) {
            if (seenIps.add(egress.getSrcIp())) {
                observables.add(observable(
                        "evidences[" + evidences.egress + "].src_endpoint.ip", 2, "IP Address", egress.getSrcIp()));
            }
            for (int i = 0; i < egress.getDestinations().size(); i++) {
                EgressDestination d = egress.getDestinations().get(i);
                String at = "evidences[" + (evidences.egress + 1 + i) + "].dst_endpoint.";
                observables.add(observable(at + "ip", 2, "IP Address", d.getDstIp()));
                if (d.getDstHost() != null) {
                    observables.add(observable(at + "hostname", 1, "Hostname", d.getDstHost()));
                }
            }
        }
        return observables;
    }

    private static ObjectNode observable(String name, int typeId, String type, String value) {
        return MAPPER.createObjectNode()
                .put("name", name)
                .put("type_id", typeId)
                .put("type", type)
                .put("value", value);
    }

    /** Not one table: all sensitive tables together, or tables that could not be determined. */
    private static boolean isAllTables(ExfiltrationAlert alert) {
        return ScopeProfile.ALL_SENSITIVE.equals(alert.getTable())
                || ScopeProfile.UNDETERMINED.equals(alert.getTable());
    }

    private static String database(ExfiltrationAlert alert) {
        int dot = alert.getTable().indexOf('.');
        return dot > 0 ? alert.getTable().substring(0, dot) : null;
    }

    private static Instant firstSeen(ExfiltrationAlert alert) {
        Instant first = alert.getFirstSeen() != null ? alert.getFirstSeen() : alert.getWindowStart();
        if (alert.getEgress() != null && alert.getEgress().getFirstTime().isBefore(first)) {
            first = alert.getEgress().getFirstTime();
        }
        return first;
    }

    private static Instant lastSeen(ExfiltrationAlert alert) {
        Instant last = alert.getWindowEnd();
        if (alert.getEgress() != null && alert.getEgress().getLastTime().isAfter(last)) {
            last = alert.getEgress().getLastTime();
        }
        return last;
    }

    private static long millis(Instant instant) {
        return instant.toEpochMilli();
    }

    /** Observation values are strings in OCSF; whole numbers without a trailing ".0". */
    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
