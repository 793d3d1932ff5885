package org.exfilguard.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.kafka.streams.Topology;
import org.exfilguard.ingest.EventTimes;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.metrics.DetectorMetrics;

/**
 * The raw-topic normaliser as part of the detector's topology: shippers (Filebeat, Vector, Fluent Bit) put raw log
 * records on {@code raw-db-logs} and {@code raw-egress-logs}; it writes canonical events to {@code db-access} and
 * {@code egress}, where the detector reads them as it reads replayed ones.
 *
 * <pre>
 * raw-db-logs     ─▶ normalise-raw-db     ─┬─▶ db-access (Avro, key account, timestamp = event time)
 * raw-egress-logs ─▶ normalise-raw-egress ─┼─▶ egress    (Avro, key src_ip,  timestamp = event time)
 *                                          └─▶ exfil-dlq (original bytes, reason in headers)
 * </pre>
 *
 * Going through the canonical topics rather than straight into the profile processors keeps one path for live,
 * shipped and replayed events, and re-keys by account and source ip (a shipper keys by host or not at all).
 */
public final class NormaliserTopology {

    public static final String RAW_DB_SOURCE = "raw-db-source";
    public static final String RAW_EGRESS_SOURCE = "raw-egress-source";
    public static final String NORMALISE_DB = "normalise-raw-db";
    public static final String NORMALISE_EGRESS = "normalise-raw-egress";
    public static final String DB_ACCESS_SINK = "normalised-db-access-sink";
    public static final String EGRESS_SINK = "normalised-egress-sink";
    public static final String DEAD_LETTER_SINK = "normalise-dead-letter-sink";

    private NormaliserTopology() {}

    /**
     * Adds the normaliser's sources, processors and sinks to {@code topology}. Events further than {@code maxAhead}
     * ahead of {@code wallClock} are dead-lettered rather than produced (see {@link EventTimes#sendLimit}).
     */
    public static Topology add(
            Topology topology,
            TopicRegistry topics,
            NormaliserSettings settings,
            DetectorMetrics metrics,
            Clock wallClock,
            Duration maxAhead) {
        topics.rawDbLogs().addSource(topology, RAW_DB_SOURCE);
        topics.rawEgressLogs().addSource(topology, RAW_EGRESS_SOURCE);
        BiFunction<String, Optional<LogFormat>, NormaliseSupplier> normaliser =
                (source, format) -> new NormaliseSupplier(
                        source,
                        format,
                        settings.options(),
                        metrics,
                        DB_ACCESS_SINK,
                        EGRESS_SINK,
                        DEAD_LETTER_SINK,
                        wallClock,
                        maxAhead);
        topology.addProcessor(NORMALISE_DB, normaliser.apply("raw-db", settings.dbFormat()), RAW_DB_SOURCE);
        topology.addProcessor(
                NORMALISE_EGRESS, normaliser.apply("raw-egress", settings.egressFormat()), RAW_EGRESS_SOURCE);
        topics.dbAccess().addSink(topology, DB_ACCESS_SINK, NORMALISE_DB, NORMALISE_EGRESS);
        topics.egress().addSink(topology, EGRESS_SINK, NORMALISE_DB, NORMALISE_EGRESS);
        topics.deadLetters().addSink(topology, DEAD_LETTER_SINK, NORMALISE_DB, NORMALISE_EGRESS);
        return topology;
    }
}
