package org.exfilguard.topology;

import com.tdunning.math.stats.MergingDigest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;
import org.exfilguard.detect.PeerBaselines;

/**
 * Peer baselines as one t-digest per (scope, window) in a state store.
 *
 * <p>New account-days are appended to a small pending list and merged into the digest in batches: re-encoding
 * and rewriting a whole digest for every closed day took 40% of the stream thread in the benchmark's profile.
 * While a digest is young (fewer than {@value #EXACT_UNTIL} values) every value is merged at once, so cold-start
 * thresholds over few peers are exact; later the quantiles lag by at most {@value #BATCH} account-days.
 * An event closes several days in several windows at once, so pending lists are written to the store once per
 * event, by {@link #flush()}, which the processor calls when it is done with the record: the store then holds
 * exactly what the record left, as if every value had been written at once. The cached digest is always the one
 * read back from its bytes, so a restarted task computes the same quantiles as the one that stopped.
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
    private final Map<String, Pending> pendingCache = new HashMap<>();
    private final Map<String, Map<String, String>> keys = new HashMap<>();
    private final Map<String, Quantile> quantiles = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();

    /** A quantile of one digest instance, valid while that instance is the cached digest. */
    private record Quantile(MergingDigest digest, double q, double value) {}

    /** Values not yet merged into a digest, as stored under the digest's key + {@value #PENDING}. */
    private static final class Pending {
        private double[] values;
        private int size;
        /** Whether the store holds a pending entry for the key. */
        private boolean stored;

        Pending(double[] values, boolean stored) {
            this.values = values;
            this.size = values.length;
            this.stored = stored;
        }

        void add(double value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, Math.max(8, size * 2));
            }
            values[size++] = value;
        }
    }

    StorePeerBaselines(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public long count(String scope, String window) {
        String key = key(scope, window);
        MergingDigest digest = digest(key);
        return (digest == null ? 0 : digest.size()) + pending(key).size;
    }

    @Override
    public double quantile(String scope, String window, double q) {
        String key = key(scope, window);
        MergingDigest digest = digest(key);
        if (digest == null) {
            return Double.NaN;
        }
        // A digest changes only when pending values are merged into it, while cold-start thresholds ask on every event.
        Quantile known = quantiles.get(key);
        if (known == null || known.digest() != digest || known.q() != q) {
            known = new Quantile(digest, q, digest.quantile(q));
            quantiles.put(key, known);
        }
        return known.value();
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
        Pending pending = pending(key);
        pending.add(peak);
        long size = digest == null ? 0 : digest.size();
        if (size < EXACT_UNTIL || pending.size >= BATCH) {
            merge(key, digest, pending);
        }
        dirty.add(key);
    }

    /** Writes the pending lists changed since the last flush: one store write per (scope, window) and record. */
    void flush() {
        for (String key : dirty) {
            Pending pending = pendingCache.get(key);
            if (pending.size > 0) {
                ByteBuffer buffer = ByteBuffer.allocate(pending.size * Double.BYTES);
                for (int i = 0; i < pending.size; i++) {
                    buffer.putDouble(pending.values[i]);
                }
                store.put(key + PENDING, buffer.array());
                pending.stored = true;
            } else if (pending.stored) {
                store.delete(key + PENDING);
                pending.stored = false;
            }
        }
        dirty.clear();
    }

    private void merge(String key, MergingDigest digest, Pending pending) {
        MergingDigest target = digest == null ? new MergingDigest(COMPRESSION) : digest;
        for (int i = 0; i < pending.size; i++) {
            target.add(pending.values[i], 1);
        }
        ByteBuffer buffer = ByteBuffer.allocate(target.byteSize());
        target.asBytes(buffer);
        byte[] bytes = buffer.array();
        store.put(key, bytes);
        cache.put(key, MergingDigest.fromBytes(ByteBuffer.wrap(bytes)));
        pending.size = 0;
    }

    private Pending pending(String key) {
        Pending pending = pendingCache.get(key);
        if (pending == null) {
            byte[] bytes = store.get(key + PENDING);
            double[] values = new double[bytes == null ? 0 : bytes.length / Double.BYTES];
            if (bytes != null) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                for (int i = 0; i < values.length; i++) {
                    values[i] = buffer.getDouble();
                }
            }
            pending = new Pending(values, bytes != null);
            pendingCache.put(key, pending);
        }
        return pending;
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

    /** The store key of a (scope, window), built once: it is asked for several times per event. */
    private String key(String scope, String window) {
        return keys.computeIfAbsent(scope, s -> new HashMap<>()).computeIfAbsent(window, w -> scope + '|' + w);
    }
}
