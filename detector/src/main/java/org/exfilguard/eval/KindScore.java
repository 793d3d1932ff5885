package org.exfilguard.eval;

import java.time.Duration;

/** Recall and time to detect for one scenario kind (or "ALL"); durations are null when nothing was detected. */
public record KindScore(String kind, int incidents, int detected, double recall, Duration ttdMedian, Duration ttdMax) {
}
