package org.exfilguard.profile;

/** A day whose peak raised an alert: kept out of the baseline, remembered to recognise a job that recurs. */
public record AlertedDay(long epochDay, int minuteOfDay, long peak) {}
