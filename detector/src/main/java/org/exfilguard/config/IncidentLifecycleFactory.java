package org.exfilguard.config;

import java.time.Duration;
import org.apache.kafka.common.config.ConfigException;
import org.exfilguard.incident.IncidentLifecycle;

/** The {@link IncidentLifecycle} from the configuration: updates, closing and severity scores. */
public final class IncidentLifecycleFactory {

    private IncidentLifecycleFactory() {}

    public static IncidentLifecycle from(ExfilguardConfig config) {
        return new IncidentLifecycle(
                config.getDouble(ExfilguardConfig.INCIDENT_GROWTH_FACTOR),
                config.getInt(ExfilguardConfig.INCIDENT_MAX_UPDATES),
                Duration.ofMinutes(config.getInt(ExfilguardConfig.INCIDENT_UPDATE_MINUTES)),
                Duration.ofMinutes(config.getInt(ExfilguardConfig.INCIDENT_QUIET_MINUTES)),
                severities(config));
    }

    /** The three scores must rise: the error names the first key that does not rise above the one before it. */
    static IncidentLifecycle.Severities severities(ExfilguardConfig config) {
        double medium = config.getDouble(ExfilguardConfig.SEVERITY_MEDIUM_SCORE);
        double high = config.getDouble(ExfilguardConfig.SEVERITY_HIGH_SCORE);
        double critical = config.getDouble(ExfilguardConfig.SEVERITY_CRITICAL_SCORE);
        if (!(high > medium)) {
            throw new ConfigException(
                    ExfilguardConfig.SEVERITY_HIGH_SCORE,
                    high,
                    "must be above " + ExfilguardConfig.SEVERITY_MEDIUM_SCORE + " (" + medium + ")");
        }
        if (!(critical > high)) {
            throw new ConfigException(
                    ExfilguardConfig.SEVERITY_CRITICAL_SCORE,
                    critical,
                    "must be above " + ExfilguardConfig.SEVERITY_HIGH_SCORE + " (" + high + ")");
        }
        return new IncidentLifecycle.Severities(medium, high, critical);
    }
}
