package org.exfilguard.sim;

/**
 * One simulated database principal with its stable client address and host.
 * {@code firstDay} is the 0-based simulation day the account starts working (new joiners start late).
 * {@code clientHost} may be null: some clients do not resolve.
 */
public record Account(String name, Role role, String clientIp, String clientHost, int firstDay, int index) {

    /** What the account does for a living, which decides its workload. */
    public enum Role {
        ANALYST,
        SERVICE,
        BACKUP,
        EXPORTER,
        DBA,
        INTRUDER
    }
}
