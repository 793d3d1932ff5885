package org.exfilguard.detect;

/**
 * How far above an account's own history a window's sum must be: the threshold is the largest of the three.
 *
 * @param ratioOverTypical at least this many times the median daily peak
 * @param madMultiplier    at least the median plus this many scaled MADs
 * @param overPeakFactor   at least this many times the largest clean daily peak of the history
 */
public record Thresholds(double ratioOverTypical, double madMultiplier, double overPeakFactor) {

    public Thresholds {
        if (!(ratioOverTypical >= 1) || !(madMultiplier >= 0) || !(overPeakFactor >= 1)) {
            throw new IllegalArgumentException("thresholds: ratio and over-peak factor at least 1, MADs at least 0");
        }
    }

    /** Four times the typical day, six MADs above it, and half as much again as the largest day. */
    public static Thresholds defaults() {
        return new Thresholds(4.0, 6.0, 1.5);
    }
}
