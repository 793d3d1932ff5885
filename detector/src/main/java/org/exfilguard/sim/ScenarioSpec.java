package org.exfilguard.sim;

import java.time.LocalTime;
import java.util.Objects;

/**
 * An extraction to inject. Null fields are drawn from the seed at simulation start.
 *
 * @param account   victim account (an existing analyst or service account), or the new account's name
 * @param table     table to extract; null means the first sensitive table
 * @param day       0-based day of the simulation; negative counts from the end (-1 is the last day);
 *                  null places it at random within the spec's scenario window
 * @param timeOfDay local start time; null draws one typical of the kind
 * @param rows      rows to extract (per account for MULTI_ACCOUNT: the total); null draws one typical of the kind
 */
public record ScenarioSpec(
        ScenarioKind kind, String account, String table, Integer day, LocalTime timeOfDay, Long rows) {

    public ScenarioSpec {
        Objects.requireNonNull(kind, "kind");
    }

    /** A scenario of this kind placed entirely at random. */
    public static ScenarioSpec random(ScenarioKind kind) {
        return new ScenarioSpec(kind, null, null, null, null, null);
    }
}
