package org.exfilguard.detect;

/**
 * The external destinations a source host has used, each with when it last used it: a bounded set, the one used
 * longest ago forgotten first. A use counts at day granularity (a destination's time moves at most once per UTC day),
 * so a busy host's flows to its usual destinations write at most one record per destination and day. Kept apart from
 * the rest of the host's state so that a flow touches only the destination it names, not the host's whole history.
 */
public interface HostDestinations {

    /** Whether the host has used {@code dstIp} (and has not forgotten it since). */
    boolean contains(String dstIp);

    /**
     * Whether the host has used {@code dstIp}; if so, and its last use was on an earlier UTC day than {@code millis},
     * the use at {@code millis} becomes its last (a flow of an earlier day arriving late changes nothing).
     */
    boolean use(String dstIp, long millis);

    /**
     * Remembers {@code dstIp}, new for the host, as used at {@code millis}; then, while more than {@code max} are
     * remembered, forgets the one used longest ago (of equal times, the smallest address by {@link String#compareTo}),
     * which may be the one just added when flows arrive out of order.
     */
    void add(String dstIp, long millis, int max);

    /** How many destinations are remembered. */
    int size();

    /** Whether a use at {@code millis} is on a later UTC day than the last use {@code lastUsed}. */
    static boolean laterDay(long lastUsed, long millis) {
        return Math.floorDiv(millis, 86_400_000L) > Math.floorDiv(lastUsed, 86_400_000L);
    }
}
