package org.exfilguard.detect;

import java.time.Instant;

/**
 * A change of a drift incident: it opened (the CUSUM crossed its alarm line) or closed (the CUSUM fell back to zero).
 *
 * @param opened      true for an opening, false for a close
 * @param at          event time of the change (the read that crossed, or the end of the day that reset)
 * @param incidentId  the drift incident (set by the caller on open through {@link DriftState})
 * @param since       first read of the run of days the drift grew over
 * @param days        days in that run, the current one included
 * @param runRows     rows read over those days
 * @param norm        the account's typical rows a day (median of its history)
 * @param spread      scaled MAD of its daily totals
 * @param shift       the daily excess worth detecting (the CUSUM's unit)
 * @param cusum       the CUSUM at the change, in rows
 * @param alarm       the CUSUM's alarm line, in rows
 * @param historyDays days of history behind the norm
 * @param todayRows   rows of the current day so far (on open)
 */
public record DriftVerdict(
        boolean opened,
        Instant at,
        String incidentId,
        Instant since,
        int days,
        long runRows,
        double norm,
        double spread,
        double shift,
        double cusum,
        double alarm,
        int historyDays,
        long todayRows) {

    /** Rows above the norm over the run. */
    public double excess() {
        return Math.max(0, runRows - norm * days);
    }

    /** How far the CUSUM is past its alarm line (1.0 at the line). */
    public double score() {
        return alarm <= 0 ? 0 : cusum / alarm;
    }
}
