package org.exfilguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    @Test
    void profileWriteCacheIsAddedToTheRecordCacheOfTheHotStores() {
        Properties off = StreamsSettings.of(new ExfilguardConfig(Map.of()));
        assertThat(off.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
                .isEqualTo(StreamsSettings.RECORD_CACHE_BYTES);

        Properties on = StreamsSettings.of(
                new ExfilguardConfig(Map.of(ExfilguardConfig.READ_PROFILE_WRITE_CACHE_BYTES, 64L << 20)));
        assertThat(on.get(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
                .isEqualTo(StreamsSettings.RECORD_CACHE_BYTES + (64L << 20));
    }
}
