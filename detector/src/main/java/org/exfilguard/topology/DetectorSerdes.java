package org.exfilguard.topology;

import org.apache.kafka.common.serialization.Serde;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;

/**
 * The value serdes of the registry-backed topics, configured by the caller (registry client, auto-register).
 * Keys are plain strings; records that cannot be decoded are handled inside the topology, never by Kafka
 * Streams' exception handler, so they reach the dead-letter topic with their reason.
 */
public record DetectorSerdes(
        Serde<DbAccessEvent> dbAccess, Serde<EgressEvent> egress, Serde<ExfiltrationAlert> alerts) {}
