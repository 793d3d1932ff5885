package org.exfilguard.topology;

import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.EgressHost;
import org.exfilguard.detect.FreshEntry;

/**
 * A host's fresh list in {@link StoreNames#EGRESS_FRESH}, one key per entry so that a flow to a fresh destination
 * rewrites that entry alone: {@code srcIp + '\0' + n} -> the entry, and {@code srcIp} -> the list's order (the
 * entries' numbers, which the correlator's lookups and stable sorts depend on), written only when an entry is added,
 * removed or reordered. Both in {@link EgressHostCodec}'s layout.
 */
final class StoredFresh {

    private final String srcIp;
    /**
     * The number each stored entry is kept under: the smallest free one when it was added, so numbers stay below
     * the list's bound and the order record's size does not grow with the host's history.
     */
    private final Map<FreshEntry, Long> numbers = new IdentityHashMap<>();
    /** The numbers in {@link #numbers}' values. */
    private final BitSet used = new BitSet();

    private StoredFresh(String srcIp) {
        this.srcIp = srcIp;
    }

    /** A host with nothing stored yet. */
    static StoredFresh none(String srcIp) {
        return new StoredFresh(srcIp);
    }

    /** Reads the host's list from the store into {@code into}. */
    static StoredFresh load(
            KeyValueStore<String, byte[]> store, EgressHostCodec codec, String srcIp, List<FreshEntry> into) {
        byte[] orderBytes = store.get(srcIp);
        if (orderBytes == null) {
            return none(srcIp);
        }
        EgressHostCodec.FreshOrder order = codec.decodeFreshOrder(orderBytes);
        StoredFresh stored = new StoredFresh(srcIp);
        // Point reads of the listed entries, not a prefix scan: the host's range is full of deleted entries, which
        // a RocksDB iterator steps over one by one.
        for (long n : order.numbers()) {
            byte[] bytes = store.get(stored.key(n));
            if (bytes == null) {
                throw new IllegalStateException(
                        "egress fresh-destination state of " + srcIp + " lists entry " + n + ", which is not stored");
            }
            FreshEntry f = codec.decodeFreshEntry(bytes);
            stored.numbers.put(f, n);
            stored.used.set(Math.toIntExact(n));
            into.add(f);
        }
        return stored;
    }

    /** Writes what changed in the host's fresh list since it was loaded or last written. */
    void save(KeyValueStore<String, byte[]> store, EgressHostCodec codec, EgressHost host) {
        List<FreshEntry> fresh = host.fresh();
        if (host.freshListChanged()) {
            for (FreshEntry gone : host.removedFreshEntries()) {
                Long n = numbers.remove(gone);
                if (n != null) {
                    store.delete(key(n));
                    used.clear(n.intValue());
                }
            }
            long[] order = new long[fresh.size()];
            for (int i = 0; i < order.length; i++) {
                FreshEntry f = fresh.get(i);
                Long n = numbers.get(f);
                if (n == null) {
                    n = (long) used.nextClearBit(0);
                    used.set(n.intValue());
                    numbers.put(f, n);
                }
                order[i] = n;
            }
            if (order.length == 0) {
                store.delete(srcIp);
            } else {
                store.put(srcIp, codec.encodeFreshOrder(order));
            }
        }
        for (FreshEntry f : host.changedFreshEntries()) {
            Long n = numbers.get(f);
            if (n != null) {
                store.put(key(n), codec.encodeFreshEntry(f));
            }
        }
        host.freshWritten();
    }

    private String key(long n) {
        return srcIp + StoredDestinations.SEPARATOR + n;
    }
}
