package org.exfilguard.detect;

/**
 * The volume above which a window alerts, and what it was derived from, for the alert's explanation.
 *
 * @param value        rows above which the window alerts
 * @param typical      the typical value compared with (median daily peak, or the peer quantile)
 * @param spread       scaled MAD of the daily peaks (0 for peer baselines)
 * @param highest      largest clean daily peak in the history (0 when none)
 * @param method       {@link #PERSONAL}, {@link #NIGHT}, {@link #PEER}, {@link #FLOOR} or {@link #OFF_HOURS}
 * @param historyDays  days of the account's own history
 * @param peerCount    peer account-days behind a peer baseline
 */
public record Threshold(
        double value, double typical, double spread, double highest, String method, int historyDays, long peerCount) {

    public static final String PERSONAL = "personal-daily-peak";
    public static final String PEER = "peer-quantile";
    public static final String FLOOR = "cold-start-floor";
    /** Rows read at hours the account never reads (norm zero), against the table tier's off-hours floor. */
    public static final String OFF_HOURS = "off-hours-floor";
    /**
     * A weak read: well above the account's norm for the hour (its typical daily peak in an hour it reads in, zero in
     * one it never reads) but below the alert threshold; value is the weak-read level.
     */
    public static final String HOUR_NORM = "personal-hour-norm";

    /**
     * A read in the night band judged against the account's own clean peaks in that band (lower there than its daily
     * peaks); typical, spread, highest and historyDays are the band's.
     */
    public static final String NIGHT = "personal-night-peak";

    public boolean coldStart() {
        return !PERSONAL.equals(method)
                && !OFF_HOURS.equals(method)
                && !HOUR_NORM.equals(method)
                && !NIGHT.equals(method);
    }
}
