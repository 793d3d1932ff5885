package org.exfilguard.topology;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.profile.OpenIncident;
import org.exfilguard.profile.ScopeProfile;

/**
 * A task's read profiles: the {@link StoreNames#READ_PROFILES} store with its codec, the decoded ({@link HotCache})
 * and encoded ({@link ProfileBytesCache}) copies in front of it, and the index of open incidents that must be kept
 * in step with every write. Write-through: what {@link #load} returns always equals the decoding of what the store
 * holds, unless a caller changed a profile and failed before {@link #save}; it then calls {@link #invalidate}.
 */
final class ProfileStore {

    private final KeyValueStore<String, byte[]> store;
    private final ProfileCodec codec;
    private final ProfileBytesCache bytes;
    private final HotCache<ScopeProfile> hot;
    private final OpenIncidentIndex openIncidents;
    private final Function<OpenIncident, Instant> closeDue;

    /**
     * Made when a task is (re)initialised, so its caches start empty: the store (restored from its changelog) is the
     * truth. {@code cacheBytes} 0 turns both caches off; {@code closeDue} says when an open incident is due to close.
     */
    ProfileStore(
            KeyValueStore<String, byte[]> store,
            KeyValueStore<String, Long> openIncidentStore,
            ProfileCodec codec,
            long cacheBytes,
            Function<OpenIncident, Instant> closeDue) {
        this.store = store;
        this.codec = codec;
        this.bytes = new ProfileBytesCache(cacheBytes);
        this.hot = new HotCache<>(cacheBytes == 0 ? 0 : HotCache.PROFILES);
        this.openIncidents = new OpenIncidentIndex(openIncidentStore);
        this.closeDue = closeDue;
    }

    static String key(String account, String scope) {
        return account + '\u0000' + scope;
    }

    /**
     * The stored profile of a key (null if none): the decoded copy when it is hot, else decoded from the cached or
     * stored bytes ({@code at} only dates windows the stored profile lacks).
     */
    ScopeProfile load(String key, Instant at) {
        ScopeProfile decoded = hot.get(key);
        if (decoded != null) {
            return decoded;
        }
        byte[] encoded = bytes.get(key);
        if (encoded == null) {
            encoded = store.get(key);
            bytes.put(key, encoded);
        }
        return encoded == null ? null : codec.decode(encoded, at);
    }

    /** Writes the profile, and its incident's due time to the index ({@code hadIncident}: it had one when loaded). */
    void save(String key, ScopeProfile profile, boolean hadIncident) {
        byte[] encoded = codec.encode(profile);
        store.put(key, encoded);
        bytes.put(key, encoded);
        hot.put(key, profile);
        if (profile.incident() == null) {
            if (hadIncident) {
                openIncidents.remove(key);
            }
        } else {
            openIncidents.put(key, closeDue.apply(profile.incident()).toEpochMilli());
        }
    }

    /** Drops the decoded copies: a profile may have been changed and not written. */
    void invalidate() {
        hot.clear();
    }

    /** Keys whose incident is due to close at or before {@code nowMillis}, earliest first. */
    List<String> incidentsDueBy(long nowMillis) {
        return openIncidents.dueBy(nowMillis);
    }

    /** Forgets an indexed incident whose profile is gone. */
    void forgetIncident(String key) {
        openIncidents.remove(key);
    }

    /** Whether another of the account's scopes than {@code scope} has an incident still open at {@code at}. */
    boolean otherScopeIncidentOpen(String account, String scope, Instant at) {
        return openIncidents.anyOpenWithPrefixExcept(account + '\u0000', key(account, scope), at.toEpochMilli());
    }

    long approximateNumEntries() {
        return store.approximateNumEntries();
    }

    long cacheHits() {
        return hot.hits() + bytes.hits();
    }

    long cacheMisses() {
        return bytes.misses();
    }
}
