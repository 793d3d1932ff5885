package org.exfilguard.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded egress state of the hosts a task saw last, as {@link HotProfiles} is for read profiles: a busy host's
 * flows then cost no decoding. Bounded by count, least recently used first out; write-through (an entry is put
 * after its records were written, so it always equals what the stores hold); emptied by the processor when it is
 * (re)initialised and when processing a record fails half-way.
 */
final class HotHosts<V> {

    /** Hosts kept per task. A host's entry is its windows (about 1 KB) and its fresh list (at most 256 entries). */
    static final int CAPACITY = 2048;

    private final Map<String, V> entries;

    HotHosts(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    V get(String key) {
        return entries.get(key);
    }

    void put(String key, V value) {
        entries.put(key, value);
    }

    void clear() {
        entries.clear();
    }
}
