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
    /** "clock" -> newest accepted event time of this task. */
    public static final String EVENT_CLOCK = "event-clock";

    private StoreNames() {
    }
}
