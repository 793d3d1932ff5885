package org.exfilguard.suppress;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * Marks an alert that an allow-list rule or maintenance window covers. It is still published, marked and counted:
 * a suppression must stay visible to the analyst who owns the rule.
 */
public final class AlertSuppressor {

    private final AllowListSource allowList;
    private final Runnable counter;

    /** {@code counter} runs once per alert that a rule covers. */
    public AlertSuppressor(AllowListSource allowList, Runnable counter) {
        this.allowList = allowList;
        this.counter = counter;
    }

    /** The alert, marked suppressed with the rule's id, owner and reason when the current allow-list covers it. */
    public ExfiltrationAlert apply(ExfiltrationAlert alert) {
        List<String> destinations = alert.getEgress() == null
                ? List.of()
                : alert.getEgress().getDestinations().stream()
                        .map(d -> d.getDstIp())
                        .toList();
        // Judged at the incident's start, so an incident that began inside a window stays suppressed in all
        // its records, including the update or close that falls after the window.
        Instant began = alert.getFirstSeen() != null ? alert.getFirstSeen() : alert.getDetectedAt();
        Optional<AllowRule> rule = allowList
                .current()
                .match(new Candidate(alert.getAccount(), alert.getTable(), alert.getClientIps(), destinations, began));
        if (rule.isEmpty()) {
            return alert;
        }
        counter.run();
        AllowRule r = rule.get();
        return ExfiltrationAlert.newBuilder(alert)
                .setSuppressed(true)
                .setSuppressionReason("allow-list rule " + r.id() + " (owner " + r.owner() + "): " + r.reason())
                .build();
    }
}
