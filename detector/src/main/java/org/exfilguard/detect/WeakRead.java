package org.exfilguard.detect;

/**
 * A read clearly above the account's norm for the hour but below the alert threshold (see {@link WeakReadSettings}).
 *
 * @param verdict   the window that found it (its sum, and a threshold of method {@link Threshold#HOUR_NORM} whose
 *                  value is the weak-read level and whose typical is the norm)
 * @param bulkLimit the window's alert threshold, which the sum stayed below
 * @param habitual  whether the hour is one the account reads in (else its norm is zero)
 */
public record WeakRead(WindowVerdict verdict, double bulkLimit, boolean habitual) {

    /** How far the sum is above the weak-read level (1.0 at the level). */
    public double readRatio() {
        return verdict.observedRows() / Math.max(verdict.threshold().value(), 1.0);
    }
}
