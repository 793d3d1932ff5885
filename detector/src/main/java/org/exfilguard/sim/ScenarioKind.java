package org.exfilguard.sim;

/** The extraction patterns the simulator can inject, each labelled in the truth file. */
public enum ScenarioKind {
    /** An existing analyst dumps 0.5-2M member rows in 10-40 minutes. */
    SMASH_AND_GRAB,
    /** An account reads an extra 20-50k member rows a day over 3-5 days, in working hours. */
    LOW_AND_SLOW,
    /** A service account reads ten times its peak-hour member rows in one night hour. */
    COMPROMISED_SERVICE,
    /** An analyst reads about 200k rows at 03:00. */
    OFF_HOURS,
    /** A brand-new account dumps about 500k rows in its first hours. */
    NEW_ACCOUNT,
    /** Three accounts each take a third of the table the same evening. */
    MULTI_ACCOUNT,
    /** A bulk read, then an upload of about the same size to a never-seen external address. */
    READ_THEN_EGRESS
}
