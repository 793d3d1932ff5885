package org.exfilguard.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.exfilguard.incident.AvroBytes;

/**
 * Plain Avro binary for the topics between the detector's own processors: written and read by the same
 * application version (or its successor, with defaulted fields), so no registry round trip is needed.
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
        // nothing to configure: the schema is the generated class's
    }

    @Override
    public void close() {
        // nothing to release
    }
}
