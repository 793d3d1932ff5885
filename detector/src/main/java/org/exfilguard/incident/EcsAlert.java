package org.exfilguard.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.EgressEvidence;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;

/**
 * An alert in the Elastic Common Schema, one JSON object per alert, for Elastic and other ECS consumers.
 * ECS has no fields for a baseline, so the detection's numbers go under the custom {@code exfilguard.*}
 * namespace, as ECS advises for custom fields.
 */
public final class EcsAlert {

    public static final String ECS_VERSION = "8.11.0";
    /** The tag of records an allow-list rule or maintenance window covers. */
    public static final String SUPPRESSED_TAG = "exfilguard-suppressed";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EcsAlert() {}

    /** One JSON line (no trailing newline). */
    public static String render(ExfiltrationAlert alert) {
        return JsonLine.of(toNode(alert));
    }

    public static ObjectNode toNode(ExfiltrationAlert alert) {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("@timestamp", alert.getDetectedAt().toString());
        doc.putObject("ecs").put("version", ECS_VERSION);
        doc.put("message", alert.getReason());
        doc.set("event", event(alert));
        doc.putObject("user").put("name", alert.getAccount());
        EgressEvidence egress = alert.getEgress();
        if (egress != null && !egress.getDestinations().isEmpty()) {
            // ECS has one source and one destination per document: the reading host that sent the data, and the
            // destination that received the most. source.bytes is what the source sent (ECS: "bytes sent from the
            // source to the destination"); destination.bytes would be the reply, which the evidence does not hold.
            // Direction as ECS asks for network sensors (Zeek, VPC flow logs): outbound across the perimeter.
            EgressDestination top = egress.getDestinations().stream()
                    .max((a, b) -> Long.compare(a.getBytesOut(), b.getBytesOut()))
                    .orElseThrow();
            doc.putObject("source").put("ip", egress.getSrcIp()).put("bytes", top.getBytesOut());
            ObjectNode destination = doc.putObject("destination").put("ip", top.getDstIp());
            if (top.getDstPort() != null) {
                destination.put("port", top.getDstPort());
            }
            if (top.getDstHost() != null) {
                destination.put("domain", top.getDstHost());
            }
            doc.putObject("network").put("direction", "outbound");
        } else if (!alert.getClientIps().isEmpty()) {
            doc.putObject("source").put("ip", alert.getClientIps().get(0));
        }
        doc.set("related", related(alert));
        doc.putObject("rule")
                .put(
                        "name",
                        OcsfFinding.PRODUCT_NAME
                                + (alert.getKind() == AlertKind.EGRESS_ONLY ? " egress-profile" : " read-profile"))
                .put("ruleset", OcsfFinding.PRODUCT_NAME);
        doc.set("threat", threat(alert.getMitreTechniques()));
        doc.putObject("observer")
                .put("vendor", OcsfFinding.PRODUCT_NAME)
                .put("product", OcsfFinding.PRODUCT_NAME)
                .put("version", alert.getDetectorVersion());
        if (alert.getSuppressed()) {
            doc.putArray("tags").add(SUPPRESSED_TAG);
        }
        doc.set("exfilguard", detection(alert));
        return doc;
    }

    /**
     * An OPENED or UPDATED record is an alert; a CLOSED one, or one an allow-list rule covers, is an event a SIEM
     * keeps for the incident's story but must not count as another alert (kind {@code event}, no risk score, and
     * the tag {@value #SUPPRESSED_TAG} on suppressed records). Types: {@code start}, {@code change}, {@code end}.
     */
    private static ObjectNode event(ExfiltrationAlert alert) {
        ObjectNode event = MAPPER.createObjectNode();
        boolean live = alert.getStatus() != AlertStatus.CLOSED && !alert.getSuppressed();
        event.put("kind", live ? "alert" : "event");
        ArrayNode category = event.putArray("category").add("database");
        if (alert.getEgress() != null) {
            category.add("network");
        }
        ArrayNode type = event.putArray("type")
                .add(
                        switch (alert.getStatus()) {
                            case OPENED -> "start";
                            case UPDATED -> "change";
                            case CLOSED -> "end";
                        });
        if (alert.getSuppressed()) {
            type.add("allowed");
        }
        event.put("action", "incident-" + alert.getStatus().name().toLowerCase(Locale.ROOT));
        event.put("id", alert.getAlertId());
        int risk = riskScore(alert);
        event.put("severity", risk);
        if (live) {
            event.put("risk_score", risk);
        }
        event.put("reason", alert.getReason());
        event.put("start", (alert.getFirstSeen() != null ? alert.getFirstSeen() : alert.getWindowStart()).toString());
        event.put("end", alert.getWindowEnd().toString());
        event.put("dataset", "exfilguard.alerts");
        event.put("provider", OcsfFinding.PRODUCT_NAME);
        return event;
    }

    /** Elastic's default risk scores for its four severities. */
    private static int riskScore(ExfiltrationAlert alert) {
        return switch (alert.getSeverity()) {
            case LOW -> 21;
            case MEDIUM -> 47;
            case HIGH -> 73;
            case CRITICAL -> 99;
        };
    }

    private static ObjectNode related(ExfiltrationAlert alert) {
        Set<String> ips = new LinkedHashSet<>(alert.getClientIps());
        if (alert.getTotals() != null) {
            ips.addAll(alert.getTotals().getClientIps());
        }
        Set<String> hosts = new LinkedHashSet<>();
        if (alert.getEgress() != null) {
            ips.add(alert.getEgress().getSrcIp());
            for (EgressDestination d : alert.getEgress().getDestinations()) {
                ips.add(d.getDstIp());
                if (d.getDstHost() != null) {
                    hosts.add(d.getDstHost());
                }
            }
        }
        if (alert.getTotals() != null) {
            ips.addAll(alert.getTotals().getEgressDestinations());
        }
        ObjectNode related = MAPPER.createObjectNode();
        ArrayNode users = related.putArray("user").add(alert.getAccount());
        // A table surge's accounts are its users: a SIEM finds the incident from any of them.
        alert.getContributors().forEach(c -> users.add(c.getAccount()));
        ips.forEach(related.putArray("ip")::add);
        if (!hosts.isEmpty()) {
            hosts.forEach(related.putArray("hosts")::add);
        }
        return related;
    }

    private static ObjectNode threat(List<String> techniques) {
        ObjectNode threat = MAPPER.createObjectNode().put("framework", "MITRE ATT&CK");
        ArrayNode ids = MAPPER.createArrayNode();
        ArrayNode names = MAPPER.createArrayNode();
        ArrayNode references = MAPPER.createArrayNode();
        Set<AttackCatalog.Tactic> tactics = new LinkedHashSet<>();
        for (String id : new LinkedHashSet<>(techniques)) {
            ids.add(id);
            AttackCatalog.technique(id).ifPresent(t -> {
                names.add(t.name());
                references.add(t.url());
                tactics.add(t.tactic());
            });
        }
        ObjectNode technique = threat.putObject("technique");
        technique.set("id", ids);
        technique.set("name", names);
        technique.set("reference", references);
        ObjectNode tactic = threat.putObject("tactic");
        tactics.forEach(t -> {
            tactic.withArray("id").add(t.uid());
            tactic.withArray("name").add(t.name());
            tactic.withArray("reference").add(t.url());
        });
        return threat;
    }

    private static ObjectNode detection(ExfiltrationAlert alert) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("incident_id", alert.getIncidentId());
        d.put("status", alert.getStatus().name());
        d.put("kind", alert.getKind().name());
        d.put("severity", alert.getSeverity().name());
        d.put("score", alert.getScore());
        d.put("table", alert.getTable());
        if (!alert.getContributors().isEmpty()) {
            ArrayNode contributors = d.putArray("contributors");
            alert.getContributors()
                    .forEach(c -> contributors
                            .addObject()
                            .put("account", c.getAccount())
                            .put("rows", c.getRows())
                            .put("share", c.getShare()));
        }
        if (!alert.getRelatedIncidentIds().isEmpty()) {
            // ECS has no field for related alerts (related.* holds users, addresses, hosts and hashes).
            alert.getRelatedIncidentIds().forEach(d.putArray("related_incident_ids")::add);
        }
        d.put("window", alert.getWindow());
        d.put("observed_rows", alert.getObservedRows());
        if (alert.getObservedBytes() != null) {
            d.put("observed_bytes", alert.getObservedBytes());
        }
        d.put("baseline_rows", alert.getBaselineRows());
        d.put("baseline_spread", alert.getBaselineSpread());
        d.put("threshold_rows", alert.getThresholdRows());
        d.put("baseline_method", alert.getBaselineMethod());
        d.put("baseline_history_days", alert.getBaselineHistoryDays());
        if (alert.getPeerPercentile() != null) {
            d.put("peer_percentile", alert.getPeerPercentile());
        }
        alert.getStatementFingerprints().forEach(d.putArray("statement_fingerprints")::add);
        if (alert.getEgress() != null) {
            d.put("egress_bytes_out", alert.getEgress().getBytesOut());
            d.put("egress_destinations", alert.getEgress().getDestinations().size());
        }
        d.put("suppressed", alert.getSuppressed());
        if (alert.getSuppressionReason() != null) {
            d.put("suppression_reason", alert.getSuppressionReason());
        }
        IncidentTotals totals = alert.getTotals();
        if (totals != null) {
            ObjectNode incident = d.putObject("incident");
            incident.put("rows", totals.getRows());
            if (totals.getBytes() != null) {
                incident.put("bytes", totals.getBytes());
            }
            incident.put("largest_read_rows", totals.getLargestReadRows());
            incident.put("first_read", totals.getFirstRead().toString());
            incident.put("last_read", totals.getLastRead().toString());
            totals.getClientIps().forEach(incident.putArray("client_ips")::add);
            totals.getStatementFingerprints().forEach(incident.putArray("statement_fingerprints")::add);
            incident.put("egress_bytes_out", totals.getEgressBytesOut());
            totals.getEgressDestinations().forEach(incident.putArray("egress_destinations")::add);
        }
        return d;
    }
}
