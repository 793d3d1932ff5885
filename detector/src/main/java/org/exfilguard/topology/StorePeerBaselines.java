package org.exfilguard.topology;

import com.tdunning.math.stats.MergingDigest;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.PeerBaselines;

/**
 * Peer baselines as one t-digest per (scope, window) in a state store.
 *
 * <p>New account-days are appended to a small pending list (one short store write) and merged into the digest
 * in batches: re-encoding and rewriting a whole digest for every closed day took 40% of the stream thread in
 * the benchmark's profile. While a digest is young (fewer than {@value #EXACT_UNTIL} values) every value is merged at
 * once, so cold-start thresholds over few peers are exact; later the quantiles lag by at most
 * {@value #BATCH} account-days. Pending values live in the store, and the cached digest is always the one read
 * back from its bytes, so a restarted task computes the same quantiles as the one that stopped.
 * The peers are the accounts of this task's partitions: a sample of the population when the input has
 * several partitions.
 */
final class StorePeerBaselines implements PeerBaselines {

    private static final double COMPRESSION = 100;
    static final int EXACT_UNTIL = 256;
    static final int BATCH = 64;
    private static final String PENDING = "|pending";

    private final KeyValueStore<String, byte[]> store;
    private final Map<String, MergingDigest> cache = new HashMap<>();
    private final Map<String, double[]> pendingCache = new HashMap<>();

    StorePeerBaselines(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public long count(String scope, String window) {
        MergingDigest digest = digest(key(scope, window));
        return (digest == null ? 0 : digest.size()) + pending(key(scope, window)).length;
    }

    @Override
    public double quantile(String scope, String window, double q) {
        MergingDigest digest = digest(key(scope, window));
        return digest == null ? Double.NaN : digest.quantile(q);
    }

    @Override
    public double rank(String scope, String window, double value) {
        MergingDigest digest = digest(key(scope, window));
        return digest == null ? Double.NaN : digest.cdf(value);
    }

    @Override
    public void add(String scope, String window, double peak) {
        String key = key(scope, window);
        MergingDigest digest = digest(key);
        double[] pending = pending(key);
        double[] grown = java.util.Arrays.copyOf(pending, pending.length + 1);
        grown[pending.length] = peak;
        long size = digest == null ? 0 : digest.size();
        if (size < EXACT_UNTIL || grown.length >= BATCH) {
            merge(key, digest, grown);
        } else {
            putPending(key, grown);
        }
    }

    private void merge(String key, MergingDigest digest, double[] values) {
        MergingDigest target = digest == null ? new MergingDigest(COMPRESSION) : digest;
        for (double v : values) {
            target.add(v, 1);
        }
        ByteBuffer buffer = ByteBuffer.allocate(target.byteSize());
        target.asBytes(buffer);
        byte[] bytes = buffer.array();
        store.put(key, bytes);
        cache.put(key, MergingDigest.fromBytes(ByteBuffer.wrap(bytes)));
        if (pending(key).length > 0) {
            store.delete(key + PENDING);
        }
        pendingCache.put(key, new double[0]);
    }

    private void putPending(String key, double[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Double.BYTES);
        for (double v : values) {
            buffer.putDouble(v);
        }
        store.put(key + PENDING, buffer.array());
        pendingCache.put(key, values);
    }

    private double[] pending(String key) {
        double[] values = pendingCache.get(key);
        if (values == null) {
            byte[] bytes = store.get(key + PENDING);
            if (bytes == null) {
                values = new double[0];
            } else {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                values = new double[bytes.length / Double.BYTES];
                for (int i = 0; i < values.length; i++) {
                    values[i] = buffer.getDouble();
                }
            }
            pendingCache.put(key, values);
        }
        return values;
    }

    private MergingDigest digest(String key) {
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
