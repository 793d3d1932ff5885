package org.exfilguard.suppress;

import java.time.Instant;
import java.util.Objects;

/** A one-off maintenance period in event time, {@code from} included, {@code until} excluded. */
public record MaintenanceWindow(Instant from, Instant until) {

    public MaintenanceWindow {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (!from.isBefore(until)) {
            throw new IllegalArgumentException("from " + from + " must be before until " + until);
        }
    }

    public boolean contains(Instant eventTime) {
        return !eventTime.isBefore(from) && eventTime.isBefore(until);
    }

    @Override
    public String toString() {
        return from + "/" + until;
    }
}
