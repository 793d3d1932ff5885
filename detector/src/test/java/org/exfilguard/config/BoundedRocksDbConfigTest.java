package org.exfilguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbConfigTest {

    static {
        RocksDB.loadLibrary();
    }

    private static Options storeOptions() {
        Options options = new Options();
        options.setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
        return options;
    }

    @Test
    void everyStoreSharesOneBlockCacheAndWriteBufferManager() {
        Map<String, Object> configs = Map.of(
                BoundedRocksDbConfig.BLOCK_CACHE_BYTES, 48L << 20, BoundedRocksDbConfig.WRITE_BUFFER_BYTES, "16777216");
        BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
        try (Options first = storeOptions();
                Options second = storeOptions()) {
            setter.setConfig("read-profiles", first, configs);
            setter.setConfig("open-incidents", second, configs);

            BoundedRocksDbConfig.Shared shared = BoundedRocksDbConfig.shared(48L << 20, 16L << 20);
            var firstTable = (BlockBasedTableConfigWithAccessibleCache) first.tableFormatConfig();
            var secondTable = (BlockBasedTableConfigWithAccessibleCache) second.tableFormatConfig();
            assertThat(firstTable.blockCache()).isSameAs(shared.cache()).isSameAs(secondTable.blockCache());
            assertThat(firstTable.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(first.writeBufferManager())
                    .isSameAs(shared.writeBufferManager())
                    .isSameAs(second.writeBufferManager());
            assertThat(first.writeBufferSize()).isEqualTo(4L << 20);
            assertThat(first.maxWriteBufferNumber()).isEqualTo(2);
        }
    }

    /**
     * The detector opens thirteen stores per task, four tasks on a default cluster: with RocksDB's default arena block
     * (an eighth of the write buffer) every store's first write charged 1 MiB to the shared manager, the budget was
     * exceeded from the start and every memtable was flushed again and again (the realistic bench mix spent half its
     * stream-thread time in RocksDB puts). Quiet stores must not flush.
     */
    @Test
    void manyQuietStoresUnderTheDefaultBudgetDoNotFlush(@TempDir Path dir) throws Exception {
        BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
        List<Options> options = new ArrayList<>();
        List<RocksDB> stores = new ArrayList<>();
        try {
            for (int store = 0; store < 64; store++) {
                Options storeOptions = storeOptions();
                storeOptions.setCreateIfMissing(true);
                setter.setConfig("store-" + store, storeOptions, Map.of());
                options.add(storeOptions);
                stores.add(
                        RocksDB.open(storeOptions, dir.resolve("store-" + store).toString()));
            }
            for (int round = 0; round < 200; round++) {
                for (RocksDB store : stores) {
                    byte[] key = ("key-" + round).getBytes(StandardCharsets.UTF_8);
                    store.put(key, new byte[100]);
                }
            }
            for (int store = 0; store < stores.size(); store++) {
                long switched = stores.get(store).getLongProperty("rocksdb.num-immutable-mem-table");
                long flushed;
                try (var files = Files.list(dir.resolve("store-" + store))) {
                    flushed = files.filter(file -> file.toString().endsWith(".sst"))
                            .count();
                }
                assertThat(switched + flushed)
                        .as("memtables switched or flushed by store %d, which holds 200 small records", store)
                        .isZero();
            }
        } finally {
            stores.forEach(RocksDB::close);
            options.forEach(Options::close);
        }
    }

    @Test
    void defaultsApplyWhenTheKeysAreAbsent() {
        try (Options options = storeOptions()) {
            new BoundedRocksDbConfig().setConfig("store", options, Map.of());
            var table = (BlockBasedTableConfigWithAccessibleCache) options.tableFormatConfig();
            assertThat(table.blockCache())
                    .isSameAs(BoundedRocksDbConfig.shared(
                                    BoundedRocksDbConfig.DEFAULT_BLOCK_CACHE_BYTES,
                                    BoundedRocksDbConfig.DEFAULT_WRITE_BUFFER_BYTES)
                            .cache());
        }
    }

    @Test
    void refusesMemtablesLargerThanTheCacheTheyAreChargedTo() {
        try (Options options = storeOptions()) {
            assertThatThrownBy(() -> new BoundedRocksDbConfig()
                            .setConfig(
                                    "store",
                                    options,
                                    Map.of(
                                            BoundedRocksDbConfig.BLOCK_CACHE_BYTES,
                                            8L << 20,
                                            BoundedRocksDbConfig.WRITE_BUFFER_BYTES,
                                            16L << 20)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(BoundedRocksDbConfig.WRITE_BUFFER_BYTES);
        }
    }

    @Test
    void streamsSettingsRegisterTheSetterWithTheConfiguredSizes() {
        ExfilguardConfig config = new ExfilguardConfig(Map.of(ExfilguardConfig.ROCKSDB_BLOCK_CACHE_BYTES, "268435456"));
        Properties props = StreamsSettings.of(config);
        assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbConfig.class);
        assertThat(props.get(BoundedRocksDbConfig.BLOCK_CACHE_BYTES)).isEqualTo(256L << 20);
        assertThat(props.get(BoundedRocksDbConfig.WRITE_BUFFER_BYTES))
                .isEqualTo(BoundedRocksDbConfig.DEFAULT_WRITE_BUFFER_BYTES);
    }
}
