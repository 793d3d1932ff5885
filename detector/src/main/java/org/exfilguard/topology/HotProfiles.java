package org.exfilguard.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import org.exfilguard.profile.ScopeProfile;

/**
 * The decoded profiles a task used last, in front of {@link ProfileBytesCache}: decoding a profile and re-deriving its
 * baseline statistics took a quarter of the stream thread in the standard backtest, where three service accounts
 * carry 96% of the reads and each of their reads decoded the profile the read before had just encoded.
 *
 * <p>Bounded by count (a decoded profile holds its sub-bucket rings and history dense: about 3 KB with the default
 * windows), least recently used first out. Write-through like the bytes cache: a profile is cached when it has been
 * written to the store, so a cached object always equals the decoding of what the store holds. The processor
 * empties it when it is (re)initialised and when processing a record fails half-way, since a profile may then
 * have been changed without being written.
 */
final class HotProfiles {

    /** Profiles kept per task: about 3 MB of heap. */
    static final int CAPACITY = 1024;

    private final Map<String, ScopeProfile> entries;
    /** Written by the stream thread, read by the metrics endpoint. */
    private volatile long hits;

    HotProfiles(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ScopeProfile> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The cached profile, or null (the caller then reads the bytes). */
    ScopeProfile get(String key) {
        ScopeProfile profile = entries.get(key);
        if (profile != null) {
            hits++;
        }
        return profile;
    }

    /** Records the profile just written to the store for {@code key}. */
    void put(String key, ScopeProfile profile) {
        entries.put(key, profile);
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
