package org.exfilguard.metrics;

import java.util.Objects;
import java.util.Optional;

/** Whether the detector is healthy, and if not, a short operator-facing reason (never a secret). */
public record HealthStatus(boolean healthy, Optional<String> detail) {

    public HealthStatus {
        Objects.requireNonNull(detail, "detail");
    }

    public static HealthStatus up() {
        return new HealthStatus(true, Optional.empty());
    }

    public static HealthStatus down(String detail) {
        return new HealthStatus(false, Optional.of(Objects.requireNonNull(detail, "detail")));
    }
}
