package org.exfilguard.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded state a task used last, keyed like its store, in front of that store: a busy account's reads or a busy
 * host's flows then cost no decoding. Bounded by count, least recently used first out. Write-through: an entry is
 * put after its records were written, so it always equals the decoding of what the store holds. The processor
 * empties it when it is (re)initialised and when processing a record fails half-way, since an entry may then have
 * been changed without being written.
 */
final class HotCache<V> {

    /**
     * Read profiles kept per task: a decoded profile holds its sub-bucket rings and history dense, about 3 KB with the
     * default windows, so about 3 MB of heap. Decoding a profile and re-deriving its baseline statistics took a
     * quarter of the stream thread in the standard backtest, where three service accounts carry 96% of the reads.
     */
    static final int PROFILES = 1024;

    /** Egress hosts kept per task. A host's entry is its windows (about 1 KB) and its fresh list (at most 256). */
    static final int HOSTS = 2048;

    private final Map<String, V> entries;
    /** Written by the stream thread, read by the metrics endpoint. */
    private volatile long hits;

    HotCache(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cached entry, or null (the caller then reads the store). */
    V get(String key) {
        V value = entries.get(key);
        if (value != null) {
            hits++;
        }
        return value;
    }

    /** Records the entry just written to the store for {@code key}. */
    void put(String key, V value) {
        entries.put(key, value);
    }

    void remove(String key) {
        entries.remove(key);
    }

    void clear() {
        entries.clear();
    }

    long hits() {
        return hits;
    }
}
