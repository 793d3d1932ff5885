package org.exfilguard.eval;

import java.time.Duration;

/**
 * Recall and time to detect for one scenario kind (or "ALL"); durations are null when nothing was detected.
 * {@code withEgress} incidents sent data out; {@code escalated} of them were matched by an alert whose kind names
 * the egress (a read-then-egress alert), not only by a read alert.
 */
public record KindScore(
        String kind,
        int incidents,
        int detected,
        double recall,
        Duration ttdMedian,
        Duration ttdMax,
        int withEgress,
        int escalated) {}
