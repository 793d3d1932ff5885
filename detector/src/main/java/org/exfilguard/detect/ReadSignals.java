package org.exfilguard.detect;

import java.util.List;
import org.exfilguard.schema.AlertStatus;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.ReadSignal;

/**
 * The read side's request to the egress side: watch the hosts that read for an incident, so that data leaving
 * them afterwards is correlated with it. One signal per watched client ip, keyed by that ip.
 */
public final class ReadSignals {

    /** Client ips of an incident whose egress is watched. */
    public static final int WATCHED_IPS = 3;

    private ReadSignals() {
    }

    /** The signals an alert raises: none for a CLOSED record, else one for each of its first client ips. */
    public static List<ReadSignal> of(ExfiltrationAlert alert) {
        if (alert.getStatus() == AlertStatus.CLOSED) {
            return List.of();
        }
        return alert.getClientIps().subList(0, Math.min(WATCHED_IPS, alert.getClientIps().size())).stream()
                .map(ip -> ReadSignal.newBuilder().setClientIp(ip).setAccount(alert.getAccount())
                        .setAt(alert.getDetectedAt()).setIncidentId(alert.getIncidentId()).setTable(alert.getTable())
                        .setReadStart(alert.getFirstSeen()).setRows(alert.getObservedRows())
                        .setBytes(alert.getObservedBytes() == null ? 0 : alert.getObservedBytes()).build())
                .toList();
    }
}
