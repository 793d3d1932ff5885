package org.exfilguard.topology;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.state.EgressUpdate;
import org.exfilguard.schema.state.ReadSignal;
import org.exfilguard.serde.AlertFormat;

/**
 * Every topic of the detector with its key and value serdes: the configured names ({@link Topics}) paired with the
 * serdes the caller configured ({@link DetectorSerdes}) and the internal topics' own. The topology adds its sources
 * and sinks from here. The canonical-event topics are read as bytes and decoded by the topology's own processors
 * with the value serde below, so a record that cannot be decoded becomes a dead letter.
 */
public final class TopicRegistry {

    /** An alert format published to its topic. */
    public record Rendering(AlertFormat format, Topic<String, String> topic) {}

    private final Topics names;
    private final Topic<String, DbAccessEvent> dbAccess;
    private final Topic<String, EgressEvent> egress;
    private final Topic<String, ExfiltrationAlert> alerts;
    private final List<Rendering> renderings;
    private final Topic<byte[], byte[]> deadLetters;
    private final Topic<byte[], byte[]> rawDbLogs;
    private final Topic<byte[], byte[]> rawEgressLogs;
    private final Topic<String, ReadSignal> readSignals;
    private final Topic<String, EgressUpdate> egressUpdates;
    private final Topic<String, byte[]> tableReads;
    private final Topic<String, byte[]> peerDays;

    public TopicRegistry(Topics names, DetectorSerdes serdes) {
        this.names = names;
        this.dbAccess = new Topic<>(names.dbAccess(), Serdes.String(), serdes.dbAccess());
        this.egress = new Topic<>(names.egress(), Serdes.String(), serdes.egress());
        this.alerts = new Topic<>(names.alerts(), Serdes.String(), serdes.alerts());
        this.renderings = AlertFormat.ALL.stream()
                .filter(f -> names.alertRenderings().containsKey(f.id()))
                .map(f -> new Rendering(f, new Topic<>(names.rendering(f), Serdes.String(), Serdes.String())))
                .toList();
        this.deadLetters = new Topic<>(names.deadLetters(), Serdes.ByteArray(), Serdes.ByteArray());
        this.rawDbLogs = new Topic<>(names.rawDbLogs(), Serdes.ByteArray(), Serdes.ByteArray());
        this.rawEgressLogs = new Topic<>(names.rawEgressLogs(), Serdes.ByteArray(), Serdes.ByteArray());
        this.readSignals = new Topic<>(names.readSignals(), Serdes.String(), internal(ReadSignal.class));
        this.egressUpdates = new Topic<>(names.egressUpdates(), Serdes.String(), internal(EgressUpdate.class));
        this.tableReads = new Topic<>(names.tableReads(), Serdes.String(), Serdes.ByteArray());
        this.peerDays = new Topic<>(names.peerDays(), Serdes.String(), Serdes.ByteArray());
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> Serde<T> internal(Class<T> type) {
        InternalSerde<T> serde = new InternalSerde<>(type);
        return Serdes.serdeFrom(serde, serde);
    }

    public Topics names() {
        return names;
    }

    /** Canonical DB access events (Avro), keyed by account. */
    public Topic<String, DbAccessEvent> dbAccess() {
        return dbAccess;
    }

    /** Canonical egress events (Avro), keyed by source ip. */
    public Topic<String, EgressEvent> egress() {
        return egress;
    }

    /** Alerts (Avro), keyed by account. */
    public Topic<String, ExfiltrationAlert> alerts() {
        return alerts;
    }

    /** The published renderings of the alerts (alerts.json.formats), keyed by account. */
    public List<Rendering> renderings() {
        return renderings;
    }

    /** Dead letters: the original key and value bytes, the reason in headers. */
    public Topic<byte[], byte[]> deadLetters() {
        return deadLetters;
    }

    public Topic<byte[], byte[]> rawDbLogs() {
        return rawDbLogs;
    }

    public Topic<byte[], byte[]> rawEgressLogs() {
        return rawEgressLogs;
    }

    /** Internal: bulk reads for the egress side, keyed by client ip. */
    public Topic<String, ReadSignal> readSignals() {
        return readSignals;
    }

    /** Internal: egress evidence for the read side, keyed by account. */
    public Topic<String, EgressUpdate> egressUpdates() {
        return egressUpdates;
    }

    /** Internal: sensitive reads summed per minute and account, keyed by table, in TableReads' layout. */
    public Topic<String, byte[]> tableReads() {
        return tableReads;
    }

    /** Each read task's daily peer peaks, to every read task (layout {@code SharedPeerDays.Contribution}). */
    public Topic<String, byte[]> peerDays() {
        return peerDays;
    }
}
