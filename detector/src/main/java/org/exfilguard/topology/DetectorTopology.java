package org.exfilguard.topology;

import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.exfilguard.detect.DetectionSettings;
import org.exfilguard.detect.EventValidator;
import org.exfilguard.metrics.DetectorMetrics;

/**
 * Builds the detector's topology from its settings. A pure function: it reads no environment, file or clock;
 * the caller wires it to {@code KafkaStreams}, and tests build the very same topology.
 *
 * <pre>
 * db-access ─▶ decode-db-access ─┬─▶ read-profile ─▶ exfil-alerts
 *                                └─▶ exfil-dlq (undecodable or invalid, with the reason in headers)
 * </pre>
 */
public final class DetectorTopology {

    public static final String DB_ACCESS_SOURCE = "db-access-source";
    public static final String DECODE_DB_ACCESS = "decode-db-access";
    public static final String READ_PROFILE = "read-profile";
    public static final String ALERTS_SINK = "alerts-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private DetectorTopology() {
    }

    public static Topology build(DetectionSettings settings, Topics topics, DetectorSerdes serdes,
                                 DetectorMetrics metrics, String detectorVersion) {
        return build(settings, topics, serdes, metrics, detectorVersion, Clock.systemUTC());
    }

    /**
     * As above, with the wall clock that bounds how far in the future an event may claim to be (the only use of
     * wall time: every window, baseline and incident runs on event time).
     */
    public static Topology build(DetectionSettings settings, Topics topics, DetectorSerdes serdes,
                                 DetectorMetrics metrics, String detectorVersion, Clock wallClock) {
        Topology topology = new Topology();
        // Bytes in: decoding happens in our processor so a bad record becomes a dead letter with a reason
        // instead of a deserialisation-handler log line.
        topology.addSource(DB_ACCESS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.dbAccess());
        topology.addProcessor(DECODE_DB_ACCESS,
                new DecodeDbAccessSupplier(serdes.dbAccess(), new EventValidator(settings.maxFutureSkew()), wallClock, metrics,
                        READ_PROFILE, DEAD_LETTER_SINK),
                DB_ACCESS_SOURCE);
        topology.addProcessor(READ_PROFILE, new ReadProfileSupplier(settings, detectorVersion, metrics), DECODE_DB_ACCESS);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetters(), new ByteArraySerializer(), new ByteArraySerializer(),
                DECODE_DB_ACCESS);
        topology.addSink(ALERTS_SINK, topics.alerts(), new StringSerializer(), serdes.alerts(), READ_PROFILE);

        // Persistent, changelogged stores. The record cache is off for them (see the streams config): profiles
        // are read and written once per event, and the cache cost more than it saved in our measurements.
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.READ_PROFILES), Serdes.String(), Serdes.ByteArray()), READ_PROFILE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.PEER_BASELINES), Serdes.String(), Serdes.ByteArray()), READ_PROFILE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.OPEN_INCIDENTS), Serdes.String(), Serdes.Long()), READ_PROFILE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.EVENT_CLOCK), Serdes.String(), Serdes.Long()),
                DECODE_DB_ACCESS, READ_PROFILE);
        return topology;
    }
}
