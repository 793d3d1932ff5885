package org.exfilguard.cli;

/**
 * The exit statuses of every command, one meaning each (the numbers of BSD's sysexits.h where one fits), so a
 * supervisor can tell "restart me" from "fix my configuration": the systemd unit restarts on {@link #RESTART} and
 * never on {@link #USAGE} or {@link #CONFIG}.
 */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** The command ran and failed, or finished without some of its input (named on stderr). */
    public static final int FAILED = 1;
    /** A bad flag, argument or output path: nothing was done (EX_USAGE). */
    public static final int USAGE = 64;
    /** No input in a form the command reads (EX_DATAERR). */
    public static final int DATA = 65;
    /** The detector stopped on an error a restart may cure (brokers away, a stream thread died, a stall) (EX_TEMPFAIL). */
    public static final int RESTART = 75;
    /** The cluster's or the registry's set-up refuses the work (a topic's retention, a missing topic) (EX_CONFIG). */
    public static final int CONFIG = 78;

    private ExitCodes() {}
}
