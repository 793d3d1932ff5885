package org.exfilguard.config;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.exfilguard.topology.DeadLetterProductionHandler;

/** The Kafka Streams properties the detector runs with: our defaults first, anything the user set wins. */
public final class StreamsSettings {

    private StreamsSettings() {}

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

    /** Record cache of the stream threads together: ample for the hot stores' few hundred keys. */
    public static final long RECORD_CACHE_BYTES = 8L * 1024 * 1024;

    public static Properties of(ExfilguardConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.getString(ExfilguardConfig.APPLICATION_ID));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.getString(ExfilguardConfig.BOOTSTRAP_SERVERS));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.getString(ExfilguardConfig.STATE_DIR));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.getString(ExfilguardConfig.PROCESSING_GUARANTEE));
        // Kafka Streams' record cache is enabled on the small, hot stores only (peer baselines, open incidents):
        // their few keys are rewritten by most events, and the cache turns that into one write (and changelog
        // record) per key and commit. The profile stores bypass it: their keys are many and each event touches its
        // own, so the cache would cost CPU and save no write (detector/PERFORMANCE.md has the measurements).
        props.put(
                StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, RECORD_CACHE_BYTES + config.profileWriteCacheBytes());
        // The classic group protocol reaches the first record in 0.6 s against 6 s for the streams protocol here.
        props.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // No task waits for data on its quiet inputs (the internal egress-update topic is mostly empty): waiting
        // would delay every alert, and the read-then-egress correlation does not depend on the interleaving (it is
        // judged in event time at boundaries both sides have passed: EgressCorrelator).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Exactly-once commits a transaction per interval, and an alert is visible once its transaction commits: the
        // interval bounds alert latency from below. The EOS default of 100 ms spends a loaded 2-core machine on
        // transaction retries; 500 ms keeps the latency well under a second at full throughput (PERFORMANCE.md).
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500L);
        // No global stores; set so Kafka Streams 4.4 does not warn about the 5.0 default on every start.
        props.put("processing.exception.handler.global.enabled", true);
        // RocksDB memory is bounded per process, whatever the number of stores and partitions (operators size pods).
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        props.put(BoundedRocksDbConfig.BLOCK_CACHE_BYTES, config.getLong(ExfilguardConfig.ROCKSDB_BLOCK_CACHE_BYTES));
        props.put(BoundedRocksDbConfig.WRITE_BUFFER_BYTES, config.getLong(ExfilguardConfig.ROCKSDB_WRITE_BUFFER_BYTES));
        // A record the broker refuses on its own merits (too large, a timestamp it does not take) is dead-lettered and
        // counted instead of stopping the detector; any other production error still stops it.
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
        props.put(DeadLetterProductionHandler.DEAD_LETTER_TOPIC, config.topics().deadLetters());
        props.putAll(config.passThrough());
        return props;
    }
}
