package org.exfilguard.topology;

import java.util.Comparator;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.HostDestinations;

/**
 * A host's destinations, one key per (host, destination) in {@link StoreNames#EGRESS_DESTINATIONS}:
 * {@code srcIp + '\0' + dstIp} -> last used (epoch millis of the host's first flow to it on the last UTC day it used
 * it). A flow reads one key; a destination new for the host, or used for the first time on a day, writes one; nothing
 * that grows with the host's history is rewritten. The count lives in the host record. Values written by earlier
 * builds are first-seen times: read as last uses, they only make a destination look older until its next use.
 *
 * <p>Forgetting the least recently used when the host is over its bound needs the smallest (last used, address) of
 * the host's keys, which the store's order (by address) does not give. {@link #oldest} holds the {@value #OLDEST_KEPT}
 * smallest, or fewer: it is only ever exactly the smallest {@code n} of the host's destinations for its size {@code
 * n}, so an empty one (after a restart, or a cold host) is always right. When forgetting empties it, one prefix scan
 * of the host's keys refills it: a scan of at most {@code max} keys per {@value #OLDEST_KEPT} destinations forgotten.
 */
final class StoredDestinations implements HostDestinations {

    static final int OLDEST_KEPT = 64;
    static final char SEPARATOR = '\0';
    private static final StringSerializer KEYS = new StringSerializer();
    private static final Comparator<Entry> ORDER =
            Comparator.comparingLong(Entry::lastUsed).thenComparing(Entry::dstIp);

    private record Entry(long lastUsed, String dstIp) {}

    private final KeyValueStore<String, Long> store;
    private final String prefix;
    private int count;
    private final TreeSet<Entry> oldest = new TreeSet<>(ORDER);

    StoredDestinations(KeyValueStore<String, Long> store, String srcIp, int count) {
        this.store = store;
        this.prefix = srcIp + SEPARATOR;
        this.count = count;
    }

    static String key(String srcIp, String dstIp) {
        return srcIp + SEPARATOR + dstIp;
    }

    @Override
    public boolean contains(String dstIp) {
        return store.get(prefix + dstIp) != null;
    }

    @Override
    public boolean use(String dstIp, long millis) {
        Long last = store.get(prefix + dstIp);
        if (last == null) {
            return false;
        }
        if (HostDestinations.laterDay(last, millis)) {
            store.put(prefix + dstIp, millis);
            // Among the smallest, it leaves them (the rest still are the smallest of the others) and comes back only
            // if it still sorts among them; not among them, it sorts later still.
            if (oldest.remove(new Entry(last, dstIp))) {
                offer(new Entry(millis, dstIp), count - 1);
            }
        }
        return true;
    }

    @Override
    public void add(String dstIp, long millis, int max) {
        store.put(prefix + dstIp, millis);
        offer(new Entry(millis, dstIp), count);
        count++;
        while (count > max) {
            if (oldest.isEmpty()) {
                // The scan also recounts: after it, the loop's condition holds for the true count.
                refill();
                continue;
            }
            store.delete(prefix + oldest.pollFirst().dstIp());
            count--;
        }
    }

    /**
     * Keeps {@link #oldest} the smallest of the host's destinations when {@code entry} joins {@code others} of them:
     * it takes the entry if it held all the others, or if the entry sorts before its largest (every destination not
     * in it sorts after that).
     */
    private void offer(Entry entry, int others) {
        if (oldest.size() == others || (!oldest.isEmpty() && ORDER.compare(entry, oldest.last()) < 0)) {
            oldest.add(entry);
            if (oldest.size() > OLDEST_KEPT) {
                oldest.pollLast();
            }
        }
    }

    /** Scans the host's keys for the smallest; also recounts them (the count is then exact whatever was stored). */
    private void refill() {
        int seen = 0;
        try (KeyValueIterator<String, Long> all = store.prefixScan(prefix, KEYS)) {
            while (all.hasNext()) {
                KeyValue<String, Long> kv = all.next();
                seen++;
                Entry e = new Entry(kv.value, kv.key.substring(prefix.length()));
                if (oldest.size() < OLDEST_KEPT) {
                    oldest.add(e);
                } else if (ORDER.compare(e, oldest.last()) < 0) {
                    oldest.pollLast();
                    oldest.add(e);
                }
            }
        }
        count = seen;
    }

    @Override
    public int size() {
        return count;
    }
}
