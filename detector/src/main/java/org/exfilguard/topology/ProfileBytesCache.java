package org.exfilguard.topology;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded, least-recently-used copy of the encoded profiles one task read or wrote last, in front of its RocksDB
 * store: a point read from RocksDB cost 8-10 µs once the store outgrew its memtables (the biggest single cost of the
 * read path in the benchmark), a hit here well under one.
 *
 * <p>Write-through: every write goes to the store (and so to its changelog) as before, and the cache holds exactly
 * what the store holds for the keys it has, because the read-profile processor is the only writer of its store.
 * It is emptied whenever the processor is (re)initialised, so a task restored from its changelog starts cold and
 * computes the same results. The bound counts key and value bytes plus a fixed overhead per entry.
 */
final class ProfileBytesCache {

    /** Rough heap cost of one entry beyond its key and value bytes (map node, array and string headers). */
    static final int ENTRY_OVERHEAD = 96;

    private final long capacityBytes;
    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    /** Written by the stream thread, read by the metrics endpoint. */
    private volatile long hits;

    private volatile long misses;

    ProfileBytesCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("cache capacity must not be negative, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** The cached value, or null when the key is not cached (the caller then reads the store). */
    byte[] get(String key) {
        byte[] value = entries.get(key);
        if (value == null) {
            misses++;
        } else {
            hits++;
        }
        return value;
    }

    /** Records what the store now holds for {@code key}; null means the store holds nothing. */
    void put(String key, byte[] value) {
        if (value == null) {
            remove(key);
            return;
        }
        long size = size(key, value);
        if (size > capacityBytes) {
            remove(key);
            return;
        }
        byte[] previous = entries.put(key, value);
        bytes += size - (previous == null ? 0 : size(key, previous));
        Iterator<Map.Entry<String, byte[]>> eldest = entries.entrySet().iterator();
        while (bytes > capacityBytes && eldest.hasNext()) {
            Map.Entry<String, byte[]> e = eldest.next();
            bytes -= size(e.getKey(), e.getValue());
            eldest.remove();
        }
    }

    void remove(String key) {
        byte[] previous = entries.remove(key);
        if (previous != null) {
            bytes -= size(key, previous);
        }
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return entries.size();
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }

    private static long size(String key, byte[] value) {
        return ENTRY_OVERHEAD + 2L * key.length() + value.length;
    }
}
