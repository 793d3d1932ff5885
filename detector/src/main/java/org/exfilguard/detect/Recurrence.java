package org.exfilguard.detect;

import java.time.Duration;

/**
 * When a sum above the threshold is a job that recurs rather than a new extraction.
 *
 * @param tolerance    a sum that alerted on an earlier day within this time of day is a recurring job
 * @param factor       ... if it is at most this many times that day's peak
 * @param lookbackDays how many days back a recurring job is looked for
 */
public record Recurrence(Duration tolerance, double factor, int lookbackDays) {

    public Recurrence {
        java.util.Objects.requireNonNull(tolerance, "tolerance");
        if (lookbackDays < 1) {
            throw new IllegalArgumentException("recurrence: look-back days at least 1");
        }
    }

    /** Within 90 minutes of the time of day, at most 2.5 times as large, over 8 days (a weekly job). */
    public static Recurrence defaults() {
        return new Recurrence(Duration.ofMinutes(90), 2.5, 8);
    }
}
