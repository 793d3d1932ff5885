package org.exfilguard.sim;

/**
 * How many accounts of each kind the simulated organisation has.
 *
 * @param servicePeakPerHour statements per hour at the diurnal peak for the busiest service account;
 *                           each service account draws its own peak between 40% and 100% of it
 * @param serviceSurgeProbability chance per day that a service account has a surge (2-3x load)
 */
public record Population(
        int analysts,
        int serviceAccounts,
        int backupJobs,
        int weeklyExporters,
        int dbas,
        int newJoiners,
        int servicePeakPerHour,
        double serviceSurgeProbability) {

    public Population {
        if (analysts < 0
                || serviceAccounts < 0
                || backupJobs < 0
                || weeklyExporters < 0
                || dbas < 0
                || newJoiners < 0) {
            throw new IllegalArgumentException("population sizes must not be negative");
        }
        if (servicePeakPerHour < 1) {
            throw new IllegalArgumentException("servicePeakPerHour must be positive");
        }
    }

    public int total() {
        return analysts + serviceAccounts + backupJobs + weeklyExporters + dbas + newJoiners;
    }

    public Population withAnalysts(int n) {
        return new Population(
                n,
                serviceAccounts,
                backupJobs,
                weeklyExporters,
                dbas,
                newJoiners,
                servicePeakPerHour,
                serviceSurgeProbability);
    }

    public Population withServiceAccounts(int n) {
        return new Population(
                analysts,
                n,
                backupJobs,
                weeklyExporters,
                dbas,
                newJoiners,
                servicePeakPerHour,
                serviceSurgeProbability);
    }

    public Population withServicePeakPerHour(int n) {
        return new Population(
                analysts, serviceAccounts, backupJobs, weeklyExporters, dbas, newJoiners, n, serviceSurgeProbability);
    }
}
