package org.exfilguard.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.exfilguard.schema.DbAccessEvent;

/**
 * Whatever bytes arrive on db-access, decoding ends as a record or a {@link WireFormatException} with a reason:
 * never another exception, never an error that takes the stream thread down.
 */
class AvroDeserializerPropertiesTest {

    private static EmbeddedSchemaRegistry registry;
    private static AvroDeserializer<DbAccessEvent> deserializer;
    private static byte[] valid;
    private static int schemaId;

    @BeforeContainer
    static void start() {
        registry = EmbeddedSchemaRegistry.start();
        SchemaRegistryClient client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
        valid = AvroSerde.of(DbAccessEvent.class, client, false)
                .serializer()
                .serialize("db-access", SerdeFixtures.dbRead());
        schemaId = WireFormat.schemaId(valid);
        deserializer = AvroDeserializer.of(DbAccessEvent.class, client);
    }

    @AfterContainer
    static void stop() {
        registry.close();
    }

    @Property(tries = 10_000)
    void randomBytesDecodeOrFailWithAReason(@ForAll("anyBytes") byte[] data) {
        assertDecodesOrExplains(data);
    }

    @Property(tries = 10_000)
    void truncatedRecordsFailWithAReason(@ForAll("truncations") byte[] data) {
        assertDecodesOrExplains(data);
    }

    @Property(tries = 10_000)
    void randomBodiesBehindAValidHeaderDecodeOrFailWithAReason(@ForAll("bodies") byte[] body) {
        assertDecodesOrExplains(withHeader(body));
    }

    @Property(tries = 10_000)
    void hugeDeclaredLengthsFailWithAReasonWithoutAllocatingThem(@ForAll("hugeFields") byte[] data) {
        assertDecodesOrExplains(data);
    }

    @Provide
    Arbitrary<byte[]> anyBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    }

    @Provide
    Arbitrary<byte[]> truncations() {
        return Arbitraries.integers().between(0, valid.length - 1).map(n -> Arrays.copyOf(valid, n));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        // Mutations of the valid body find the interesting corners faster than noise alone.
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> mutated = Arbitraries.integers()
                .between(WireFormat.HEADER_LENGTH, valid.length - 1)
                .flatMap(at -> Arbitraries.bytes().map(b -> {
                    byte[] copy = Arrays.copyOfRange(valid, WireFormat.HEADER_LENGTH, valid.length);
                    copy[at - WireFormat.HEADER_LENGTH] = b;
                    return copy;
                }));
        return Arbitraries.oneOf(noise, mutated);
    }

    @Provide
    Arbitrary<byte[]> hugeFields() {
        // A long field (event time) then a string length (account) of up to 2^62: a few bytes claiming gigabytes.
        return Arbitraries.longs()
                .between(1L << 20, 1L << 62)
                .flatMap(length -> Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(20)
                        .map(tail -> {
                            ByteArrayOutputStream body = new ByteArrayOutputStream();
                            writeVarLong(body, 1_700_000_000_000L);
                            writeVarLong(body, length);
                            body.writeBytes(tail);
                            return withHeader(body.toByteArray());
                        }));
    }

    private static void assertDecodesOrExplains(byte[] data) {
        try {
            DbAccessEvent event = deserializer.decode(data);
            assertThat(event).isNotNull();
        } catch (WireFormatException e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static byte[] withHeader(byte[] body) {
        return ByteBuffer.allocate(WireFormat.HEADER_LENGTH + body.length)
                .put(WireFormat.MAGIC_BYTE)
                .putInt(schemaId)
                .put(body)
                .array();
    }

    /** Avro's zig-zag variable-length long. */
    private static void writeVarLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }
}
