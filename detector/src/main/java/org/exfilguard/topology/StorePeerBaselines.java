package org.exfilguard.topology;

import com.tdunning.math.stats.MergingDigest;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.PeerBaselines;

/**
 * Peer baselines as one t-digest per (scope, window) in a state store. Every update is written through and
 * the cached digest is the one read back from its bytes, so a restarted task computes the same quantiles as
 * the one that stopped. The peers are the accounts of this task's partitions: a sample of the population
 * when the input has several partitions.
 */
final class StorePeerBaselines implements PeerBaselines {

    private static final double COMPRESSION = 100;

    private final KeyValueStore<String, byte[]> store;
    private final Map<String, MergingDigest> cache = new HashMap<>();

    StorePeerBaselines(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public long count(String scope, String window) {
        MergingDigest digest = digest(scope, window);
        return digest == null ? 0 : digest.size();
    }

    @Override
    public double quantile(String scope, String window, double q) {
        MergingDigest digest = digest(scope, window);
        return digest == null ? Double.NaN : digest.quantile(q);
    }

    @Override
    public double rank(String scope, String window, double value) {
        MergingDigest digest = digest(scope, window);
        return digest == null ? Double.NaN : digest.cdf(value);
    }

    @Override
    public void add(String scope, String window, double peak) {
        String key = key(scope, window);
        MergingDigest digest = digest(scope, window);
        if (digest == null) {
            digest = new MergingDigest(COMPRESSION);
        }
        digest.add(peak, 1);
        ByteBuffer buffer = ByteBuffer.allocate(digest.byteSize());
        digest.asBytes(buffer);
        byte[] bytes = buffer.array();
        store.put(key, bytes);
        cache.put(key, MergingDigest.fromBytes(ByteBuffer.wrap(bytes)));
    }

    private MergingDigest digest(String scope, String window) {
        String key = key(scope, window);
        MergingDigest digest = cache.get(key);
        if (digest == null) {
            byte[] bytes = store.get(key);
            if (bytes != null) {
                digest = MergingDigest.fromBytes(ByteBuffer.wrap(bytes));
                cache.put(key, digest);
            }
        }
        return digest;
    }

    private static String key(String scope, String window) {
        return scope + '|' + window;
    }
}
