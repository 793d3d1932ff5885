package org.exfilguard.profile;

import java.time.Instant;

/**
 * An incident that is open for one (account, scope). {@code lastAlert} is the encoded last alert record, the
 * base of the UPDATED and CLOSED records, so a restarted instance emits them with the same content.
 */
public record OpenIncident(
        String incidentId,
        Instant openedAt,
        Instant firstSeen,
        Instant lastActivity,
        Instant lastAlertAt,
        int alerts,
        double lastScore,
        String severity,
        byte[] lastAlert,
        boolean escalated,
        byte[] egressEvidence) {

    public OpenIncident withActivity(Instant at) {
        return at.isAfter(lastActivity)
                ? new OpenIncident(
                        incidentId,
                        openedAt,
                        firstSeen,
                        at,
                        lastAlertAt,
                        alerts,
                        lastScore,
                        severity,
                        lastAlert,
                        escalated,
                        egressEvidence)
                : this;
    }

    public OpenIncident withEgressEvidence(byte[] evidence) {
        return new OpenIncident(
                incidentId,
                openedAt,
                firstSeen,
                lastActivity,
                lastAlertAt,
                alerts,
                lastScore,
                severity,
                lastAlert,
                escalated,
                evidence);
    }
}
