package org.exfilguard.config;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties the detector runs with: our defaults first, anything the user set wins. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    /** Admin-client properties taken from the Streams properties (bootstrap, TLS, SASL), for topic set-up. */
    public static Properties adminProperties(Properties streams) {
        Properties admin = new Properties();
        for (String key : org.apache.kafka.clients.admin.AdminClientConfig.configNames()) {
            if (streams.containsKey(key)) {
                admin.put(key, streams.get(key));
            }
            String prefixed = StreamsConfig.adminClientPrefix(key);
            if (streams.containsKey(prefixed)) {
                admin.put(key, streams.get(prefixed));
            }
        }
        return admin;
    }

    /** Kafka Streams' record cache: off (see below). */
    public static final long RECORD_CACHE_BYTES = 0L;

    public static Properties of(ExfilguardConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(ExfilguardConfig.APPLICATION_ID));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(ExfilguardConfig.STATE_DIR));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.getString(ExfilguardConfig.PROCESSING_GUARANTEE));
        // No record cache. For the profiles it only adds work (many keys, each event its own; DESIGN.md measured
        // it at a third of the stream thread). On the small hot stores (peer baselines, open incidents) it saved a
        // fifth of the stream thread; it is left off until the hanging changelog transactions seen after a broker
        // SIGKILL (first with it on, then also without it; README, Reliability) are understood.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, RECORD_CACHE_BYTES);
        // The classic group protocol reaches the first record in 0.6 s against 6 s for the streams protocol here.
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // Do not hold a task back waiting for data on its quiet inputs (the internal egress-update and read-signal
        // topics are mostly empty): the correlation gives the same result whichever side arrives first.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Exactly-once commits a transaction per interval: 100 ms (the EOS default) starved a loaded 2-core machine
        // with transaction retries; a second bounds how long a committed alert waits to become visible.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L);
        // No global stores; set so Kafka Streams 4.4 does not warn about the 5.0 default on every start.
        props.put("processing.exception.handler.global.enabled", true);
        // RocksDB memory is bounded per process, whatever the number of stores and partitions (operators size pods).
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        props.put(BoundedRocksDbConfig.BLOCK_CACHE_BYTES, config.getLong(ExfilguardConfig.ROCKSDB_BLOCK_CACHE_BYTES));
        props.put(BoundedRocksDbConfig.WRITE_BUFFER_BYTES, config.getLong(ExfilguardConfig.ROCKSDB_WRITE_BUFFER_BYTES));
        props.putAll(config.passThrough());
        return props;
    }
}
