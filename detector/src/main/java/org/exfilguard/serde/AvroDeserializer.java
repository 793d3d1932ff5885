package org.exfilguard.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.exfilguard.avro.AvroTrust;

/**
 * Reads Confluent-framed Avro into a specific record class. The writer schema is fetched by the
 * id in the header and resolved into the class's schema, so records from producers on older or
 * newer compatible schemas decode. Every failure is a {@link WireFormatException} with a reason.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData model;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    /** Per writer-schema id: a resolving reader, or why that writer cannot be read. */
    private final Map<Integer, Resolution<T>> resolutions = new ConcurrentHashMap<>();

    private record Resolution<T>(SpecificDatumReader<T> reader, String incompatibility) {}

    /** For config-driven use; {@link #configure} supplies the registry. */
    public AvroDeserializer(Class<T> type) {
        AvroTrust.ensureTrusted();
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    /** A deserializer on the given client, no Kafka configuration needed. */
    public static <T extends SpecificRecord> AvroDeserializer<T> of(Class<T> type, SchemaRegistryClient client) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        deserializer.client = client;
        return deserializer;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null) {
            client = new RestSchemaRegistryClient(configs);
            ownsClient = true;
        }
    }

    void useClient(SchemaRegistryClient shared) {
        this.client = shared;
    }

    /** The class records are decoded into. */
    public Class<T> type() {
        return type;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : decode(data);
    }

    /** Decodes one framed record; null input is not allowed here (tombstones are handled by {@link #deserialize}). */
    public T decode(byte[] data) {
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer used before configure(): no schema registry");
        }
        int id = WireFormat.schemaId(data);
        Resolution<T> resolution = resolutions.get(id);
        if (resolution == null) {
            resolution = resolve(id);
            resolutions.putIfAbsent(id, resolution);
        }
        if (resolution.incompatibility() != null) {
            throw new WireFormatException(
                    WireFormatException.Reason.INCOMPATIBLE_WRITER_SCHEMA,
                    "writer schema id " + id + " cannot be read as " + type.getName() + ": "
                            + resolution.incompatibility());
        }
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
        T record;
        try {
            record = resolution.reader().read(null, decoder);
        } catch (EOFException e) {
            throw new WireFormatException(
                    WireFormatException.Reason.TRUNCATED_BODY,
                    "Avro body of " + (data.length - WireFormat.HEADER_LENGTH)
                            + " bytes ends early for writer schema id " + id,
                    e);
        } catch (IOException | RuntimeException e) {
            // Corrupt bytes surface as many exception types (negative lengths, bad union or enum index).
            throw new WireFormatException(
                    WireFormatException.Reason.CORRUPT_BODY,
                    "Avro body does not decode with writer schema id " + id + ": " + e,
                    e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new WireFormatException(
                        WireFormatException.Reason.CORRUPT_BODY,
                        "trailing bytes after the record written with schema id " + id);
            }
        } catch (IOException e) {
            throw new WireFormatException(WireFormatException.Reason.CORRUPT_BODY, "cannot check end of body: " + e, e);
        }
        return record;
    }

    private Resolution<T> resolve(int id) {
        Schema writer;
        try {
            writer = client.getSchemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(
                        WireFormatException.Reason.UNKNOWN_SCHEMA_ID,
                        "schema id " + id + " is not known to the registry (" + e.registryMessage() + ")",
                        e);
            }
            throw new WireFormatException(
                    e.isTransient()
                            ? WireFormatException.Reason.REGISTRY_UNAVAILABLE
                            : WireFormatException.Reason.UNKNOWN_SCHEMA_ID,
                    "cannot fetch schema id " + id + ": " + e.getMessage(),
                    e);
        }
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            StringBuilder why = new StringBuilder();
            compatibility.getResult().getIncompatibilities().forEach(incompatibility -> {
                if (!why.isEmpty()) {
                    why.append("; ");
                }
                why.append(incompatibility.getType())
                        .append(' ')
                        .append(CompatibilityLevel.explain(incompatibility, readerSchema));
            });
            return new Resolution<>(null, why.toString());
        }
        return new Resolution<>(new SpecificDatumReader<>(writer, readerSchema, model), null);
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
