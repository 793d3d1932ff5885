package org.exfilguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
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
