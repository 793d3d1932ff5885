package org.exfilguard.topology;

/**
 * State store names. They name the changelog topics ({@code <application.id>-<store>-changelog}): renaming one
 * loses that state on upgrade, so they are fixed here and never derived from class names.
 */
public final class StoreNames {

    /** (account, scope) -> ProfileState. */
    public static final String READ_PROFILES = "read-profiles";
    /** (scope, window) -> t-digest of peers' clean daily peaks. */
    public static final String PEER_BASELINES = "peer-baselines";
    /** (account, scope) -> epoch millis at which the open incident closes if quiet. */
    public static final String OPEN_INCIDENTS = "open-incidents";
    /**
     * Source ip -> the host's egress record (outbound-byte windows, destination count, watched reads) in
     * EgressHostCodec's layout; earlier versions' Avro EgressHostState is read and moved on first use.
     */
    public static final String EGRESS_HOSTS = "egress-hosts";
    /** Source ip + '\0' + destination ip -> first seen from that host (epoch millis). */
    public static final String EGRESS_DESTINATIONS = "egress-destinations";
    /** Source ip -> the destinations the host first used recently, with their bytes (EgressHostCodec's layout). */
    public static final String EGRESS_FRESH = "egress-fresh";
    /** Destination ip -> first seen in the organisation (by this task's hosts). */
    public static final String ORG_DESTINATIONS = "org-destinations";
    /** "egress"|window -> t-digest of hosts' clean daily outbound peaks. */
    public static final String EGRESS_PEER_BASELINES = "egress-peer-baselines";
    /**
     * Where an egress task's correlation stands in event time: "flows" -> the minute of its newest flow, "read/" + n ->
     * the watermark of read task n, "sources" -> how many read tasks there are.
     */
    public static final String EGRESS_CLOCK = "egress-clock";
    /** Source ip -> 1 for the hosts with watched incidents (judged when the correlation's bound moves). */
    public static final String EGRESS_WATCHED = "egress-watched";
    /**
     * Incident id -> the hosts asked to watch its egress, and once it closed, its closing record waiting for their
     * final reports (IncidentEgress' layout).
     */
    public static final String INCIDENT_EGRESS = "incident-egress";
    /** (account, scope) -> the slow-drift detector's daily totals, CUSUM and open drift (DriftStateCodec's layout). */
    public static final String DRIFT_STATE = "drift-state";
    /** Sensitive table -> the table's profile across accounts (TableProfileCodec's layout). */
    public static final String TABLE_PROFILES = "table-profiles";
    /** Table + '\0' + epoch minute (hex) -> rows by account of a minute not yet decided. */
    public static final String TABLE_PENDING = "table-pending";
    /** "read/" + n -> watermark of read task n (epoch minute), "idle/" + n -> 1 when idle, "decided" -> minute decided to. */
    public static final String TABLE_CLOCK = "table-clock";
    /**
     * A read task's sums by minute: table + '\0' + account -> the minute of its last read and its rows in that minute
     * (sent once the minute is over), and "clock" -> the current minute and the last minute sent (TableKeySupplier).
     */
    public static final String TABLE_KEY_BUFFER = "table-key-buffer";
    /** "clock" -> newest accepted event time of this task. */
    public static final String EVENT_CLOCK = "event-clock";

    private StoreNames() {}
}
