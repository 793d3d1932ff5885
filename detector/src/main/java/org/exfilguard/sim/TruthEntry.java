package org.exfilguard.sim;

import java.time.Instant;
import java.util.Objects;

/**
 * One labelled extraction incident: what a perfect detector should alert on.
 * {@code start} and {@code end} are the first and last event of the scenario (egress included).
 */
public record TruthEntry(
        String scenarioId,
        ScenarioKind kind,
        String account,
        String table,
        Instant start,
        Instant end,
        String clientIp,
        String egressDstIp,
        long rows) {

    public TruthEntry {
        Objects.requireNonNull(scenarioId, "scenarioId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end before start in " + scenarioId);
        }
    }
}
