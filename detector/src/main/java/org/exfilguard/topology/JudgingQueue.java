package org.exfilguard.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The egress task's watched hosts in memory, each with the first bound at which it needs judging: a minute boundary
 * visits the hosts due by it instead of every watched host. The store of watched hosts stays the truth; a host put
 * here without a known bound ({@link Long#MIN_VALUE}) is due at the next boundary, which checks it exactly.
 */
final class JudgingQueue {

    private record Due(long bound, String ip) {}

    private static final Comparator<Due> ORDER =
            Comparator.comparingLong(Due::bound).thenComparing(Due::ip);

    /** The store's key order: its keys' UTF-8 bytes, unsigned. */
    static final Comparator<String> STORE_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Map<String, Long> dueOf = new HashMap<>();
    private final TreeSet<Due> queue = new TreeSet<>(ORDER);

    boolean contains(String ip) {
        return dueOf.containsKey(ip);
    }

    /** Watches {@code ip} from {@code bound} on (replacing its earlier bound). */
    void put(String ip, long bound) {
        Long before = dueOf.put(ip, bound);
        if (before != null) {
            if (before == bound) {
                return;
            }
            queue.remove(new Due(before, ip));
        }
        queue.add(new Due(bound, ip));
    }

    void remove(String ip) {
        Long before = dueOf.remove(ip);
        if (before != null) {
            queue.remove(new Due(before, ip));
        }
    }

    /** The hosts due by {@code bound}, in the store's key order (the order in which a scan of the store met them). */
    List<String> dueBy(long bound) {
        List<String> due = new ArrayList<>();
        for (Due d : queue) {
            if (d.bound() > bound) {
                break;
            }
            due.add(d.ip());
        }
        due.sort(STORE_ORDER);
        return due;
    }

    int size() {
        return dueOf.size();
    }

    void clear() {
        dueOf.clear();
        queue.clear();
    }
}
