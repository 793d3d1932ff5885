package org.exfilguard.detect;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.exfilguard.profile.WindowSpec;

/**
 * How a volume (rows an account reads, bytes a host sends) is judged against its baseline: the sliding windows, the
 * baseline's memory, the thresholds over it, the cold start before it and the recurring jobs it forgives. Reads and
 * egress each have their own.
 *
 * @param windows     sliding windows, shortest first; each window's min-rows is its floor
 * @param historyDays clean daily peaks kept per window (the baseline's memory)
 */
public record VolumeRules(
        List<WindowSpec> windows, int historyDays, Thresholds thresholds, ColdStart coldStart, Recurrence recurrence) {

    public VolumeRules {
        windows = List.copyOf(windows);
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("at least one window is needed");
        }
        if (historyDays < coldStart.minHistoryDays()) {
            throw new IllegalArgumentException("need 1 <= min history days <= history days");
        }
        java.util.Objects.requireNonNull(thresholds, "thresholds");
        java.util.Objects.requireNonNull(recurrence, "recurrence");
    }

    /** The longest window: how far back a late event may still count. */
    public Duration longestWindow() {
        return windows.stream()
                .map(WindowSpec::length)
                .max(Comparator.naturalOrder())
                .orElseThrow();
    }
}
