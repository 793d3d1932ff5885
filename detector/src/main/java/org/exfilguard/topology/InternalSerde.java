package org.exfilguard.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.exfilguard.incident.AvroBytes;

/**
 * The topics between the detector's own processors, as {@link AvroBytes} (Avro single-object encoding): a record
 * names its writer schema by fingerprint and the schema history travels with the jar, so a successor reads what a
 * predecessor left on the topic during a rolling upgrade without a registry round trip.
 */
final class InternalSerde<T extends SpecificRecord> implements Serializer<T>, Deserializer<T> {

    private final AvroBytes<T> avro;

    InternalSerde(Class<T> type) {
        this.avro = new AvroBytes<>(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : avro.encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : avro.decode(data);
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // nothing to configure: the schemas are the generated class's and its history
    }

    @Override
    public void close() {
        // nothing to release
    }
}
