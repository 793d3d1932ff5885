package org.exfilguard.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.exfilguard.schema.EgressDestination;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.IncidentTotals;

/**
 * What an organisation must report after a breach, from the incidents' alert records: per incident and per account,
 * the tables, how many rows at least and at most, the time span, the reading hosts, the destinations and the bytes
 * that went to them.
 *
 * <p>Rows at most: the sum of the rows the incident's reads returned (its totals); reads may return the same rows
 * again, so no more distinct rows than this were read. Rows at least: the most rows one statement returned; those
 * rows were read, whatever the other statements did. An account's bounds over several incidents: at most the sum
 * of its incidents' (an upper bound stays one when incidents overlap), at least the largest of theirs.
 */
public final class BreachScope {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One incident's scope, from its latest record that carries totals. */
    public record Incident(
            String incidentId,
            String status,
            String severity,
            String kind,
            String account,
            String table,
            long rowsAtLeast,
            long rowsAtMost,
            Long bytesRead,
            Instant firstRead,
            Instant lastRead,
            List<String> hosts,
            List<String> destinations,
            long bytesOut,
            List<String> statements,
            boolean suppressed) {}

    /** An account's scope over its incidents. */
    public record Account(
            String account,
            List<String> tables,
            List<String> incidents,
            long rowsAtLeast,
            long rowsAtMost,
            Instant firstRead,
            Instant lastRead,
            List<String> hosts,
            List<String> destinations,
            long bytesOut) {}

    private final List<Incident> incidents;
    private final List<Account> accounts;
    private final List<String> withoutTotals;
    private final Instant from;
    private final Instant to;

    private BreachScope(List<Incident> incidents, List<String> withoutTotals, Instant from, Instant to) {
        this.incidents = incidents;
        this.withoutTotals = withoutTotals;
        this.from = from;
        this.to = to;
        this.accounts = accounts(incidents);
    }

    /**
     * The scope of the incidents among {@code records} that {@code incidentId} names (when not null), or whose reads
     * overlap {@code [from, to)} (each bound optional).
     */
    public static BreachScope of(List<ExfiltrationAlert> records, String incidentId, Instant from, Instant to) {
        Map<String, List<ExfiltrationAlert>> byIncident = new LinkedHashMap<>();
        for (ExfiltrationAlert a : records) {
            if (incidentId == null || incidentId.equals(a.getIncidentId())) {
                byIncident
                        .computeIfAbsent(a.getIncidentId(), k -> new ArrayList<>())
                        .add(a);
            }
        }
        List<Incident> incidents = new ArrayList<>();
        List<String> withoutTotals = new ArrayList<>();
        byIncident.forEach((id, list) -> {
            Incident incident = incident(list);
            if (incident == null) {
                withoutTotals.add(id);
                return;
            }
            boolean inRange = (from == null || !incident.lastRead().isBefore(from))
                    && (to == null || incident.firstRead().isBefore(to));
            if (incidentId != null || inRange) {
                incidents.add(incident);
            }
        });
        incidents.sort(Comparator.comparing(Incident::firstRead).thenComparing(Incident::incidentId));
        withoutTotals.sort(Comparator.naturalOrder());
        return new BreachScope(incidents, withoutTotals, from, to);
    }

    /**
     * One incident from its records: the reads from the record whose totals reach furthest, the egress from the
     * record that carries the most of it (an escalation that arrived after the close is published after the CLOSED
     * record, but is dated at its evidence), the status of the last record and the highest severity. Null when no
     * record carries totals.
     */
    private static Incident incident(List<ExfiltrationAlert> records) {
        Comparator<ExfiltrationAlert> reach = Comparator.comparing(
                        (ExfiltrationAlert a) -> a.getTotals().getLastRead())
                .thenComparingLong(a -> a.getTotals().getRows());
        List<ExfiltrationAlert> withTotals =
                records.stream().filter(a -> a.getTotals() != null).toList();
        if (withTotals.isEmpty()) {
            return null;
        }
        ExfiltrationAlert reads = withTotals.stream().max(reach).orElseThrow();
        ExfiltrationAlert egress = withTotals.stream()
                .max(Comparator.comparingLong(
                        (ExfiltrationAlert a) -> a.getTotals().getEgressBytesOut()))
                .orElseThrow();
        ExfiltrationAlert last = records.stream()
                .max(Comparator.comparing(ExfiltrationAlert::getDetectedAt)
                        .thenComparing(a -> a.getStatus().ordinal()))
                .orElseThrow();
        String kind = records.stream().anyMatch(a -> a.getKind() == org.exfilguard.schema.AlertKind.READ_THEN_EGRESS)
                ? org.exfilguard.schema.AlertKind.READ_THEN_EGRESS.name()
                : last.getKind().name();
        String severity = records.stream()
                .map(ExfiltrationAlert::getSeverity)
                .max(Comparator.naturalOrder())
                .orElseThrow()
                .name();
        Map<String, String> names = new LinkedHashMap<>();
        for (ExfiltrationAlert a : records) {
            if (a.getEgress() != null) {
                for (EgressDestination d : a.getEgress().getDestinations()) {
                    if (d.getDstHost() != null) {
                        names.put(d.getDstIp(), d.getDstHost());
                    }
                }
            }
        }
        List<String> destinations = new ArrayList<>();
        for (String ip : egress.getTotals().getEgressDestinations()) {
            destinations.add(names.containsKey(ip) ? ip + " (" + names.get(ip) + ")" : ip);
        }
        IncidentTotals t = reads.getTotals();
        return new Incident(
                last.getIncidentId(),
                last.getStatus().name(),
                severity,
                kind,
                last.getAccount(),
                last.getTable(),
                t.getLargestReadRows(),
                t.getRows(),
                t.getBytes(),
                t.getFirstRead(),
                t.getLastRead(),
                List.copyOf(t.getClientIps()),
                destinations,
                egress.getTotals().getEgressBytesOut(),
                List.copyOf(t.getStatementFingerprints()),
                records.stream().anyMatch(ExfiltrationAlert::getSuppressed));
    }

    private static List<Account> accounts(List<Incident> incidents) {
        Map<String, List<Incident>> byAccount = new TreeMap<>();
        for (Incident i : incidents) {
            byAccount.computeIfAbsent(i.account(), k -> new ArrayList<>()).add(i);
        }
        List<Account> out = new ArrayList<>();
        byAccount.forEach((account, list) -> {
            Set<String> tables = new LinkedHashSet<>();
            Set<String> hosts = new LinkedHashSet<>();
            Set<String> destinations = new LinkedHashSet<>();
            long atLeast = 0;
            long atMost = 0;
            long bytesOut = 0;
            Instant first = null;
            Instant last = null;
            for (Incident i : list) {
                tables.add(i.table());
                hosts.addAll(i.hosts());
                destinations.addAll(i.destinations());
                atLeast = Math.max(atLeast, i.rowsAtLeast());
                atMost = Math.addExact(atMost, i.rowsAtMost());
                bytesOut = Math.addExact(bytesOut, i.bytesOut());
                first = first == null || i.firstRead().isBefore(first) ? i.firstRead() : first;
                last = last == null || i.lastRead().isAfter(last) ? i.lastRead() : last;
            }
            out.add(new Account(
                    account,
                    List.copyOf(tables),
                    list.stream().map(Incident::incidentId).toList(),
                    atLeast,
                    atMost,
                    first,
                    last,
                    List.copyOf(hosts),
                    List.copyOf(destinations),
                    bytesOut));
        });
        return out;
    }

    public List<Incident> incidents() {
        return incidents;
    }

    public List<Account> accounts() {
        return accounts;
    }
    /** Incidents among the records whose records carry no totals (written by a build before totals). */
    public List<String> withoutTotals() {
        return withoutTotals;
    }

    /** The report as an analyst reads it; every text from the logs goes through {@link ConsoleEscapes}. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Breach scope: %d incident(s) of %d account(s)%s%n",
                incidents.size(),
                accounts.size(),
                range()));
        out.append(
                "rows at least: the most rows one statement returned; at most: the sum of the rows all the incident's\n"
                        + "reads returned (a row read twice counts twice)\n");
        for (Incident i : incidents) {
            out.append(String.format(
                    Locale.ROOT,
                    "%nincident %s  %s %s %s%s%n",
                    safe(i.incidentId()),
                    i.status(),
                    i.severity(),
                    i.kind(),
                    i.suppressed() ? "  (suppressed by the allow-list)" : ""));
            line(out, "account", safe(i.account()));
            line(out, "table", safe(Reasons.tableName(i.table())));
            line(
                    out,
                    "rows",
                    "at least " + Reasons.count(i.rowsAtLeast()) + ", at most " + Reasons.count(i.rowsAtMost()));
            if (i.bytesRead() != null) {
                line(out, "bytes read", Reasons.count(i.bytesRead()));
            }
            line(out, "time span", span(i.firstRead(), i.lastRead()));
            line(out, "hosts", list(i.hosts()));
            line(out, "destinations", list(i.destinations()));
            line(
                    out,
                    "bytes out",
                    Reasons.count(i.bytesOut()) + (i.bytesOut() > 0 ? " to destinations new for the hosts" : ""));
            line(out, "statements", list(i.statements()));
        }
        if (!accounts.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nper account%n"));
            for (Account a : accounts) {
                out.append(String.format(
                        Locale.ROOT,
                        "  %s: %s; rows at least %s, at most %s; %s; hosts %s; "
                                + "destinations %s; %s bytes out; %d incident(s)%n",
                        safe(a.account()),
                        safe(String.join(
                                ", ",
                                a.tables().stream().map(Reasons::tableName).toList())),
                        Reasons.count(a.rowsAtLeast()),
                        Reasons.count(a.rowsAtMost()),
                        span(a.firstRead(), a.lastRead()),
                        list(a.hosts()),
                        list(a.destinations()),
                        Reasons.count(a.bytesOut()),
                        a.incidents().size()));
            }
        }
        if (!withoutTotals.isEmpty()) {
            out.append(String.format(
                    Locale.ROOT,
                    "%n%d incident(s) without totals (records of a build before totals): %s%n",
                    withoutTotals.size(),
                    safe(String.join(", ", withoutTotals))));
        }
        return out.toString();
    }

    public ObjectNode json() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("from", from == null ? null : from.toString());
        root.put("to", to == null ? null : to.toString());
        root.put("rows_at_least", "the most rows one statement of the incident returned");
        root.put("rows_at_most", "the sum of the rows the incident's reads returned");
        ArrayNode list = root.putArray("incidents");
        for (Incident i : incidents) {
            ObjectNode n = list.addObject();
            n.put("incident_id", i.incidentId())
                    .put("status", i.status())
                    .put("severity", i.severity())
                    .put("kind", i.kind())
                    .put("account", i.account())
                    .put("table", i.table())
                    .put("rows_at_least", i.rowsAtLeast())
                    .put("rows_at_most", i.rowsAtMost());
            if (i.bytesRead() != null) {
                n.put("bytes_read", i.bytesRead());
            }
            n.put("first_read", i.firstRead().toString())
                    .put("last_read", i.lastRead().toString());
            i.hosts().forEach(n.putArray("hosts")::add);
            i.destinations().forEach(n.putArray("destinations")::add);
            n.put("bytes_out", i.bytesOut());
            i.statements().forEach(n.putArray("statement_fingerprints")::add);
            n.put("suppressed", i.suppressed());
        }
        ArrayNode byAccount = root.putArray("accounts");
        for (Account a : accounts) {
            ObjectNode n = byAccount.addObject();
            n.put("account", a.account());
            a.tables().forEach(n.putArray("tables")::add);
            a.incidents().forEach(n.putArray("incidents")::add);
            n.put("rows_at_least", a.rowsAtLeast())
                    .put("rows_at_most", a.rowsAtMost())
                    .put("first_read", a.firstRead().toString())
                    .put("last_read", a.lastRead().toString());
            a.hosts().forEach(n.putArray("hosts")::add);
            a.destinations().forEach(n.putArray("destinations")::add);
            n.put("bytes_out", a.bytesOut());
        }
        withoutTotals.forEach(root.putArray("incidents_without_totals")::add);
        return root;
    }

    private String range() {
        if (from == null && to == null) {
            return "";
        }
        return " read in " + (from == null ? "..." : TIME.format(from)) + " .. "
                + (to == null ? "..." : TIME.format(to));
    }

    private static void line(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "  %-13s %s%n", name, value));
    }

    private static String span(Instant first, Instant last) {
        Duration d = Duration.between(first, last);
        return TIME.format(first) + " .. " + TIME.format(last) + " (" + Reasons.duration(d) + ")";
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "none" : safe(String.join(", ", items));
    }

    private static String safe(String text) {
        return ConsoleEscapes.text(text);
    }
}
