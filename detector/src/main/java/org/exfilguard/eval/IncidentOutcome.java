package org.exfilguard.eval;

import java.time.Duration;
import org.exfilguard.sim.TruthEntry;

/** Whether one labelled incident was detected, how fast, and by which alert first. */
public record IncidentOutcome(TruthEntry incident, boolean detected, Duration timeToDetect, String firstAlertId) {
}
