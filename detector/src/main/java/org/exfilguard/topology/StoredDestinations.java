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
 * {@code srcIp + '\0' + dstIp} -> first seen (epoch millis). A flow reads one key; a destination new for the host
 * writes one; nothing that grows with the host's history is rewritten. The count lives in the host record.
 *
 * <p>Forgetting the oldest when the host is over its bound needs the smallest (first seen, address) of the host's
 * keys, which the store's order (by address) does not give. {@link #oldest} holds the {@value #OLDEST_KEPT} smallest,
 * or fewer: it is only ever exactly the smallest {@code n} of the host's destinations for its size {@code n}, so an
 * empty one (after a restart, or a cold host) is always right. When forgetting empties it, one prefix scan of the
 * host's keys refills it: a scan of at most {@code max} keys per {@value #OLDEST_KEPT} destinations forgotten.
 */
final class StoredDestinations implements HostDestinations {

    static final int OLDEST_KEPT = 64;
    static final char SEPARATOR = '\0';
    private static final StringSerializer KEYS = new StringSerializer();
    private static final Comparator<Entry> ORDER =
            Comparator.comparingLong(Entry::firstSeen).thenComparing(Entry::dstIp);

    private record Entry(long firstSeen, String dstIp) {}

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
    public void add(String dstIp, long firstSeenMillis, int max) {
        store.put(prefix + dstIp, firstSeenMillis);
        Entry added = new Entry(firstSeenMillis, dstIp);
        // Keep `oldest` the smallest of the host's destinations: it takes the new one if it held them all, or if the
        // new one sorts before its largest (every destination not in it sorts after that).
        if (oldest.size() == count || (!oldest.isEmpty() && ORDER.compare(added, oldest.last()) < 0)) {
            oldest.add(added);
            if (oldest.size() > OLDEST_KEPT) {
                oldest.pollLast();
            }
        }
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
