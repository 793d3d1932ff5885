package org.exfilguard.sim;

/**
 * The patterns the simulator can inject, each labelled in the truth file: extractions, which a perfect detector
 * alerts on, and benign look-alikes, which it should not.
 */
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
    READ_THEN_EGRESS,
    /**
     * An analyst who reads the card table only in working hours pages through 1,500-9,000 of its rows at
     * night over 20-40 minutes, then uploads 5-20 MB to a never-seen address: every window stays under the
     * bulk floors.
     */
    NIGHT_READ,
    /** An analyst reads 150-600 extra member rows in every working hour of five working days. */
    SLOW_DRIFT,
    /**
     * Four to eight analysts read the member table at the same time, each at 600-1,500 rows per five minutes
     * (an ordinary working rate) for 45-120 minutes.
     */
    CONCURRENT_READERS,
    /** An analyst reads 2,000-9,000 member rows in working hours, then uploads 2-20 MB to a never-seen address. */
    SMALL_READ_EGRESS,
    /**
     * An analyst on a workstation with no egress history reads 100-500k member rows, then sends 50-200 MB to a
     * never-seen address the same day: the host's first day of egress.
     */
    FIRST_DAY_EGRESS,
    /** Benign: an analyst does the usual work 6-9 hours later than usual for five working days. */
    LATE_SHIFT(true),
    /**
     * Benign: on the last working day of the period 8-16 analysts each read 3,000-12,000 member rows for
     * period-end reports, spread over the working day.
     */
    PERIOD_END(true);

    private final boolean benign;

    ScenarioKind() {
        this(false);
    }

    ScenarioKind(boolean benign) {
        this.benign = benign;
    }

    /** A look-alike of an extraction that a detector should not alert on; its truth entries are not incidents. */
    public boolean benign() {
        return benign;
    }
}
