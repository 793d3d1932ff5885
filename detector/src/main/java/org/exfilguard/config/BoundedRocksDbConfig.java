package org.exfilguard.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store in the process: one LRU block cache shared by all stores
 * (index and filter blocks included) and one {@link WriteBufferManager} that charges memtables to that same cache.
 * Without it each store instance (stores × partitions) gets its own cache and memtables, so memory grows with
 * the partition count instead of staying at a size an operator chose.
 *
 * <p>Sizes come from {@value #BLOCK_CACHE_BYTES} (total, memtables included) and {@value #WRITE_BUFFER_BYTES}
 * (the memtable share). The shared objects live as long as the process, as the Kafka Streams memory-management
 * guide prescribes: closing them when one store closes would pull the cache from under the others.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {

    public static final String BLOCK_CACHE_BYTES = "rocksdb.block.cache.bytes";
    public static final String WRITE_BUFFER_BYTES = "rocksdb.write.buffer.bytes";
    public static final long DEFAULT_BLOCK_CACHE_BYTES = 128L * 1024 * 1024;
    public static final long DEFAULT_WRITE_BUFFER_BYTES = 32L * 1024 * 1024;

    /** Fraction of the cache reserved for index and filter blocks, which must stay resident for reads to be fast. */
    private static final double INDEX_FILTER_RATIO = 0.1;

    private static final long BLOCK_SIZE = 16 * 1024;
    private static final int MEMTABLES_PER_STORE = 2;

    /**
     * Memtable allocation unit. RocksDB's default is an eighth of the write buffer (here 1 MiB), and the manager
     * charges each store's memtable at least one such block: with some fifty stores (thirteen per task) that alone
     * exceeds the shared budget, and the manager then flushes every memtable on almost every write (tiny SST files,
     * compactions, slow puts). Small blocks keep a quiet store's memtable at what it holds.
     */
    static final long ARENA_BLOCK_BYTES = 64 * 1024;

    /** The cache and write-buffer manager shared by every store of one size: one pair per process in practice. */
    public record Shared(long cacheBytes, long writeBufferBytes, Cache cache, WriteBufferManager writeBufferManager) {}

    private static final Map<String, Shared> SHARED = new ConcurrentHashMap<>();

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = shared(
                bytes(configs, BLOCK_CACHE_BYTES, DEFAULT_BLOCK_CACHE_BYTES),
                bytes(configs, WRITE_BUFFER_BYTES, DEFAULT_WRITE_BUFFER_BYTES));
        BlockBasedTableConfigWithAccessibleCache table =
                (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBufferManager());
        // Memtables are bounded by the manager overall; this only caps a single store's share.
        options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
        options.setWriteBufferSize(Math.max(1L << 20, shared.writeBufferBytes() / 4));
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and manager are shared by every store in the process: they must outlive any one store.
    }

    /** The shared cache and manager for these sizes, created on first use. */
    public static Shared shared(long cacheBytes, long writeBufferBytes) {
        if (writeBufferBytes > cacheBytes) {
            throw new IllegalArgumentException(WRITE_BUFFER_BYTES + " (" + writeBufferBytes + ") must not exceed "
                    + BLOCK_CACHE_BYTES + " (" + cacheBytes + "): memtables are charged to the cache");
        }
        return SHARED.computeIfAbsent(cacheBytes + "/" + writeBufferBytes, ignored -> {
            Cache cache = new LRUCache(cacheBytes, -1, false, INDEX_FILTER_RATIO);
            return new Shared(cacheBytes, writeBufferBytes, cache, new WriteBufferManager(writeBufferBytes, cache));
        });
    }

    private static long bytes(Map<String, Object> configs, String key, long fallback) {
        Object value = configs.get(key);
        if (value == null) {
            return fallback;
        }
        long bytes = value instanceof Number n
                ? n.longValue()
                : Long.parseLong(value.toString().trim());
        if (bytes <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + bytes);
        }
        return bytes;
    }
}
