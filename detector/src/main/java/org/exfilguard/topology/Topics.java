package org.exfilguard.topology;

import java.util.List;

/**
 * The topics the detector reads and writes, in one place. Keys: {@code db-access} by account,
 * {@code egress} by source ip, alerts by account; dead letters keep the original key and value bytes.
 */
public record Topics(String dbAccess, String egress, String alerts, String alertsJson, String alertsEcs, String deadLetters,
                     String rawDbLogs, String rawEgressLogs, String readSignals, String egressUpdates) {

    public static Topics defaults() {
        return new Topics("db-access", "egress", "exfil-alerts", "exfil-alerts-json", "exfil-alerts-ecs", "exfil-dlq",
                "raw-db-logs", "raw-egress-logs", "exfil-read-signals", "exfil-egress-updates");
    }

    /**
     * Topics between the detector's own processors. {@code readSignals} is keyed by client ip and must have as many
     * partitions as {@code egress}; {@code egressUpdates} is keyed by account and must match {@code dbAccess}.
     */
    public List<String> internal() {
        return List.of(readSignals, egressUpdates);
    }

    /** Topics the detector writes to and that must exist before it starts. */
    public List<String> outputs() {
        return List.of(alerts, alertsJson, alertsEcs, deadLetters);
    }

    public List<String> inputs() {
        return List.of(dbAccess, egress);
    }
}
