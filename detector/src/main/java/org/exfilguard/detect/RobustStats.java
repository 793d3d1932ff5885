package org.exfilguard.detect;

import java.util.Arrays;

/** Median, scaled median absolute deviation and maximum of a small sample (daily peaks). */
public record RobustStats(double median, double spread, double max, int n) {

    /** Scales the MAD so it estimates the standard deviation of normally distributed data. */
    private static final double MAD_TO_SIGMA = 1.4826;

    public static RobustStats of(double[] values) {
        if (values.length == 0) {
            return new RobustStats(0, 0, 0, 0);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        double[] deviations = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            deviations[i] = Math.abs(sorted[i] - median);
        }
        Arrays.sort(deviations);
        return new RobustStats(median, MAD_TO_SIGMA * median(deviations), sorted[sorted.length - 1], sorted.length);
    }

    private static double median(double[] sorted) {
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
