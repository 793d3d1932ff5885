package org.exfilguard.suppress;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an allow-list rule is matched against: the facts of one alert.
 *
 * @param account        database principal, or null when the alert has none
 * @param table          sensitive table as {@code db.table}, {@code *} for an account-wide alert, or null
 * @param clientIps      addresses the reads came from (may be empty)
 * @param destinationIps destinations of the correlated egress (empty when there is no egress evidence)
 * @param eventTime      event time of the alert; expiry and windows are judged by it, never by the wall clock
 */
public record Candidate(
        String account, String table, List<String> clientIps, List<String> destinationIps, Instant eventTime) {

    public Candidate {
        clientIps = clientIps == null ? List.of() : List.copyOf(clientIps);
        destinationIps = destinationIps == null ? List.of() : List.copyOf(destinationIps);
        Objects.requireNonNull(eventTime, "eventTime");
    }
}
