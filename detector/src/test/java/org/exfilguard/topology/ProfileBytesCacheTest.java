package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProfileBytesCacheTest {

    private static long entry(String key, int valueBytes) {
        return ProfileBytesCache.ENTRY_OVERHEAD + 2L * key.length() + valueBytes;
    }

    @Test
    void keepsWhatWasWrittenAndCountsHitsAndMisses() {
        ProfileBytesCache cache = new ProfileBytesCache(10_000);
        assertThat(cache.get("a")).isNull();
        cache.put("a", new byte[] {1, 2});
        assertThat(cache.get("a")).containsExactly(1, 2);
        cache.put("a", new byte[] {3});
        assertThat(cache.get("a")).as("a write replaces the copy").containsExactly(3);
        assertThat(cache.bytes()).isEqualTo(entry("a", 1));
        assertThat(cache.hits()).isEqualTo(2);
        assertThat(cache.misses()).isEqualTo(1);
        cache.put("a", null);
        assertThat(cache.get("a")).as("null: the store holds nothing").isNull();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void evictsTheLeastRecentlyUsedWithinItsBound() {
        long one = entry("k0", 100);
        ProfileBytesCache cache = new ProfileBytesCache(3 * one);
        cache.put("k0", new byte[100]);
        cache.put("k1", new byte[100]);
        cache.put("k2", new byte[100]);
        cache.get("k0");
        cache.put("k3", new byte[100]);
        assertThat(cache.get("k1")).as("least recently used goes first").isNull();
        assertThat(cache.get("k0")).isNotNull();
        assertThat(cache.get("k2")).isNotNull();
        assertThat(cache.get("k3")).isNotNull();
        assertThat(cache.bytes()).isLessThanOrEqualTo(3 * one);
        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void aValueLargerThanTheBoundIsNotKeptAndZeroTurnsItOff() {
        ProfileBytesCache small = new ProfileBytesCache(200);
        small.put("k", new byte[50]);
        small.put("k", new byte[500]);
        assertThat(small.get("k"))
                .as("an older copy must not survive a write it cannot hold")
                .isNull();
        ProfileBytesCache off = new ProfileBytesCache(0);
        off.put("k", new byte[1]);
        assertThat(off.get("k")).isNull();
        assertThat(off.size()).isZero();
    }
}
