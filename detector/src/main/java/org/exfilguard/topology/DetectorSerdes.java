package org.exfilguard.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * The value (de)serialisers the topology needs, configured by the caller (registry client, auto-register).
 * Keys are plain strings; records that cannot be decoded are handled inside the topology, never by Kafka
 * Streams' exception handler, so they reach the dead-letter topic with their reason.
 */
public record DetectorSerdes(Deserializer<DbAccessEvent> dbAccess, Deserializer<EgressEvent> egress,
                             Serializer<ExfiltrationAlert> alerts, Serializer<DbAccessEvent> dbAccessOut,
                             Serializer<EgressEvent> egressOut) {

    /** Serdes for a topology without the raw-log normaliser (which is the only writer of canonical events). */
    public DetectorSerdes(Deserializer<DbAccessEvent> dbAccess, Deserializer<EgressEvent> egress,
                          Serializer<ExfiltrationAlert> alerts) {
        this(dbAccess, egress, alerts, null, null);
    }
}
