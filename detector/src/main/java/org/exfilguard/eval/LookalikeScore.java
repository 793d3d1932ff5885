package org.exfilguard.eval;

/**
 * How a detector fared on one kind of benign look-alike: of {@code cases} (account, look-alike) entries,
 * {@code alerted} drew an alert on the account within the look-alike's span plus grace, which made
 * {@code falseAccountDays} false-alert account-days.
 */
public record LookalikeScore(String kind, int cases, int alerted, int falseAccountDays) {}
