package org.exfilguard.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.exfilguard.avro.AvroTrust;

/**
 * Writes specific Avro records in the Confluent wire format, registering (or, with
 * {@code auto.register.schemas=false}, looking up) the record's schema under the
 * TopicNameStrategy subject.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private final Map<Class<?>, DatumWriter<T>> writers = new ConcurrentHashMap<>();

    /** For Kafka's config-driven instantiation; {@link #configure} supplies the registry. */
    public AvroSerializer() {
        AvroTrust.ensureTrusted();
    }

    private AvroSerializer(SchemaRegistryClient client, boolean isKey, boolean autoRegister) {
        this();
        this.client = client;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
    }

    /** A serializer on the given client, no Kafka configuration needed. */
    public static <T extends SpecificRecord> AvroSerializer<T> of(
            SchemaRegistryClient client, boolean isKey, boolean autoRegister) {
        return new AvroSerializer<>(client, isKey, autoRegister);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.autoRegister = RegistryClientConfig.booleanValue(configs, AvroSerde.AUTO_REGISTER_SCHEMAS, true);
        if (client == null) {
            client = new RestSchemaRegistryClient(configs);
            ownsClient = true;
        }
    }

    void useClient(SchemaRegistryClient shared, boolean isKey, boolean autoRegister) {
        this.client = shared;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer used before configure(): no schema registry");
        }
        Schema schema = data.getSchema();
        int id = schemaId(WireFormat.subject(topic, isKey), schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(data).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(
                    WireFormatException.Reason.INVALID_RECORD,
                    "cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e,
                    e);
        }
        return out.toByteArray();
    }

    private int schemaId(String subject, Schema schema) {
        try {
            return autoRegister
                    ? client.register(subject, schema)
                    : client.lookup(subject, schema).id();
        } catch (SchemaRegistryException e) {
            if (e.isTransient()) {
                throw new WireFormatException(
                        WireFormatException.Reason.REGISTRY_UNAVAILABLE,
                        "schema registry unavailable for subject " + subject + ": " + e.getMessage(),
                        e);
            }
            if (!autoRegister && e.isNotFound()) {
                throw new WireFormatException(
                        WireFormatException.Reason.SCHEMA_NOT_REGISTERED,
                        "schema " + schema.getFullName() + " is not registered under subject " + subject
                                + " and auto.register.schemas=false; register it first (" + e.registryMessage() + ")",
                        e);
            }
            throw new WireFormatException(
                    WireFormatException.Reason.SCHEMA_REJECTED,
                    "registry refused schema " + schema.getFullName() + " for subject " + subject + ": "
                            + e.registryMessage(),
                    e);
        }
    }

    private DatumWriter<T> writerFor(T data) {
        // The generated class's own SpecificData carries its logical-type conversions (Instant).
        return writers.computeIfAbsent(
                data.getClass(), type -> new SpecificDatumWriter<>(data.getSchema(), SpecificData.getForClass(type)));
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
