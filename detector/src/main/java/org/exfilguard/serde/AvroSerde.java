package org.exfilguard.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for one generated Avro class in the Confluent wire format. Either configure it with
 * Confluent-style keys ({@code schema.registry.url}, {@code auto.register.schemas}, ...) or
 * build it on an existing client with {@link #of}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    /** Register the record's schema on first write (default true); false looks it up and fails if absent. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;
    private SchemaRegistryClient ownedClient;

    /** A serde to be configured by {@link #configure}. */
    public AvroSerde(Class<T> type) {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>(type);
    }

    /** A ready serde on the given client (auto-register on), e.g. for tests and the embedded registry. */
    public static <T extends SpecificRecord> AvroSerde<T> of(
            Class<T> type, SchemaRegistryClient client, boolean isKey) {
        return of(type, client, isKey, true);
    }

    /** A ready serde on the given client. */
    public static <T extends SpecificRecord> AvroSerde<T> of(
            Class<T> type, SchemaRegistryClient client, boolean isKey, boolean autoRegister) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.serializer.useClient(client, isKey, autoRegister);
        serde.deserializer.useClient(client);
        return serde;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // One client for both directions, so the id caches are shared.
        ownedClient = new RestSchemaRegistryClient(configs);
        serializer.useClient(
                ownedClient, isKey, RegistryClientConfig.booleanValue(configs, AUTO_REGISTER_SCHEMAS, true));
        deserializer.useClient(ownedClient);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        if (ownedClient != null) {
            ownedClient.close();
        }
    }
}
