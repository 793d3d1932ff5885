package org.exfilguard.detect;

/**
 * The external destinations a source host has used, each with when it was first seen: a bounded set, the
 * oldest-first-seen forgotten first. Kept apart from the rest of the host's state so that a flow touches only the
 * destination it names, not the host's whole history.
 */
public interface HostDestinations {

    /** Whether the host has used {@code dstIp} (and has not forgotten it since). */
    boolean contains(String dstIp);

    /**
     * Remembers {@code dstIp}, new for the host, as first seen at {@code firstSeenMillis}; then, while more than
     * {@code max} are remembered, forgets the one first seen longest ago (of equal times, the smallest address by
     * {@link String#compareTo}), which may be the one just added when flows arrive out of order.
     */
    void add(String dstIp, long firstSeenMillis, int max);

    /** How many destinations are remembered. */
    int size();
}
