package org.exfilguard.eval;

import java.time.Duration;
import org.exfilguard.sim.TruthEntry;

/**
 * Whether one labelled entry was alerted on, how fast, and by which alert first. For an incident that is a
 * detection; for a benign look-alike a false alarm. {@code escalated}: a matching alert named the egress.
 */
public record IncidentOutcome(
        TruthEntry incident, boolean detected, Duration timeToDetect, String firstAlertId, boolean escalated) {}
