package org.exfilguard.detect;

/**
 * The distribution of clean daily peaks of all accounts for a (scope, window): the cold-start baseline.
 * Implementations keep a quantile sketch per key.
 */
public interface PeerBaselines {

    /** Account-days recorded for the scope and window. */
    long count(String scope, String window);

    /** The value at quantile {@code q} (0..1), or NaN when nothing is recorded. */
    double quantile(String scope, String window, double q);

    /** The fraction of recorded account-days at or below {@code value}. */
    double rank(String scope, String window, double value);

    /** Records one account-day's clean peak. */
    void add(String scope, String window, double peak);
}
