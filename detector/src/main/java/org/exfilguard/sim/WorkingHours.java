package org.exfilguard.sim;

import java.util.SplittableRandom;

/** Office hours 08-18 with a slow start, a lunch dip and an early-leaving tail. */
final class WorkingHours {
    private static final double[] HOUR_WEIGHT = {0.6, 1.0, 1.0, 1.0, 0.35, 1.0, 1.0, 1.0, 0.9, 0.5};
    private static final double TOTAL;

    static {
        double t = 0;
        for (double w : HOUR_WEIGHT) {
            t += w;
        }
        TOTAL = t;
    }

    private WorkingHours() {}

    /** A fractional local hour in 08:00-18:00, shifted by {@code shift} hours for early or late starters. */
    static double sample(SplittableRandom rng, double shift) {
        double r = rng.nextDouble() * TOTAL;
        int h = 0;
        while (h < HOUR_WEIGHT.length - 1 && r >= HOUR_WEIGHT[h]) {
            r -= HOUR_WEIGHT[h];
            h++;
        }
        return 8 + h + rng.nextDouble() + shift;
    }
}
