package org.exfilguard.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.exfilguard.serde.AlertFormat;

/**
 * The names of the topics the detector reads and writes, as configured. Keys: {@code db-access} by account,
 * {@code egress} by source ip, alerts and their renderings by account; dead letters keep the original key and value
 * bytes. {@link DetectorTopicRegistry} pairs each name with its serdes.
 *
 * @param alertRenderings the alert formats published beside the Avro alerts (format id to topic), in
 *                        {@link AlertFormat#ALL} order
 */
public record Topics(
        String dbAccess,
        String egress,
        String alerts,
        Map<String, String> alertRenderings,
        String deadLetters,
        String rawDbLogs,
        String rawEgressLogs,
        String readSignals,
        String egressUpdates,
        String tableReads,
        String peerDays) {

    public Topics {
        alertRenderings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(alertRenderings));
    }

    /** The default names, with every publishable format published. */
    public static Topics defaults() {
        Map<String, String> renderings = new LinkedHashMap<>();
        AlertFormat.publishable()
                .forEach(f -> renderings.put(f.id(), f.topic().orElseThrow().defaultName()));
        return new Topics(
                "db-access",
                "egress",
                "exfil-alerts",
                renderings,
                "exfil-dlq",
                "raw-db-logs",
                "raw-egress-logs",
                "exfil-read-signals",
                "exfil-egress-updates",
                "exfil-table-reads",
                "exfil-peer-days");
    }

    /** The topic a format is published to; the format must be published. */
    public String rendering(AlertFormat format) {
        String topic = alertRenderings.get(format.id());
        if (topic == null) {
            throw new IllegalArgumentException("alerts as " + format.id() + " are not published (alerts.json.formats)");
        }
        return topic;
    }

    /**
     * Topics between the detector's own processors. {@code readSignals} is keyed by client ip and must have as many
     * partitions as {@code egress}; {@code egressUpdates} is keyed by account and must match {@code dbAccess};
     * {@code tableReads} is keyed by sensitive table (any partition count; created like {@code dbAccess});
     * {@code peerDays} carries each read task's daily peer peaks to every read task (as many partitions as
     * {@code dbAccess}).
     */
    public List<String> internal() {
        return List.of(readSignals, egressUpdates, tableReads, peerDays);
    }

    /** Topics the detector writes to and that must exist before it starts. */
    public List<String> outputs() {
        List<String> outputs = new ArrayList<>(List.of(alerts));
        outputs.addAll(alertRenderings.values());
        outputs.add(deadLetters);
        return outputs;
    }

    public List<String> inputs() {
        return List.of(dbAccess, egress);
    }

    /** Every topic the detector reads or writes, raw-log topics included. */
    public List<String> all() {
        List<String> all = new ArrayList<>(List.of(dbAccess, egress, alerts));
        all.addAll(alertRenderings.values());
        all.addAll(List.of(deadLetters, rawDbLogs, rawEgressLogs, readSignals, egressUpdates, tableReads, peerDays));
        return all;
    }
}
