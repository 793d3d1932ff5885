package org.exfilguard.incident;

import java.time.Duration;
import org.exfilguard.schema.Severity;

/**
 * How an incident lives: when it is UPDATED, when it CLOSES, and how severe it is.
 *
 * @param growthFactor   an open incident is updated when its score grows by this factor
 * @param maxUpdates     at most this many UPDATED records per incident
 * @param updateInterval and at least this long (event time) after the incident's previous record
 * @param quietPeriod    an incident closes after this long without reads above threshold
 * @param severities     the scores from which an incident is MEDIUM, HIGH and CRITICAL
 */
public record IncidentLifecycle(
        double growthFactor, int maxUpdates, Duration updateInterval, Duration quietPeriod, Severities severities) {

    public IncidentLifecycle {
        java.util.Objects.requireNonNull(updateInterval, "updateInterval");
        java.util.Objects.requireNonNull(quietPeriod, "quietPeriod");
        java.util.Objects.requireNonNull(severities, "severities");
    }

    /** Updated on doubling, at most 3 times, 15 minutes apart; closed after 2 quiet hours; the default severities. */
    public static IncidentLifecycle defaults() {
        return new IncidentLifecycle(2.0, 3, Duration.ofMinutes(15), Duration.ofHours(2), Severities.defaults());
    }

    /**
     * Severity from how far over its threshold a volume is (its score, observed / threshold): LOW below
     * {@code medium}, then MEDIUM, HIGH from {@code high}, CRITICAL from {@code critical}.
     */
    public record Severities(double medium, double high, double critical) {

        public Severities {
            if (!(medium < high && high < critical)) {
                throw new IllegalArgumentException(
                        "severity scores must rise: medium " + medium + " < high " + high + " < critical " + critical);
            }
        }

        /** 1.5, 5 and 20 times the threshold. */
        public static Severities defaults() {
            return new Severities(1.5, 5, 20);
        }

        public Severity of(double score) {
            if (score >= critical) {
                return Severity.CRITICAL;
            }
            if (score >= high) {
                return Severity.HIGH;
            }
            return score >= medium ? Severity.MEDIUM : Severity.LOW;
        }
    }
}
