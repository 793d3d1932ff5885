package org.exfilguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Serdes in the Confluent wire format against the embedded registry. */
class AvroSerdeTest {

    private EmbeddedSchemaRegistry registry;
    private RestSchemaRegistryClient client;

    @BeforeEach
    void start() {
        registry = EmbeddedSchemaRegistry.start();
        client = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void roundTripsDbAccessEvent() {
        AvroSerde<DbAccessEvent> serde = AvroSerde.of(DbAccessEvent.class, client, false);
        DbAccessEvent event = SerdeFixtures.dbRead();

        byte[] bytes = serde.serializer().serialize("db-access", event);

        assertThat(serde.deserializer().deserialize("db-access", bytes)).isEqualTo(event);
    }

    @Test
    void roundTripsExfiltrationAlertWithNestedEgressEvidence() {
        AvroSerde<ExfiltrationAlert> serde = AvroSerde.of(ExfiltrationAlert.class, client, false);
        ExfiltrationAlert alert = SerdeFixtures.alert();

        ExfiltrationAlert back = serde.deserializer()
                .deserialize("exfil-alerts", serde.serializer().serialize("exfil-alerts", alert));

        assertThat(back).isEqualTo(alert);
        assertThat(back.getEgress().getDestinations().get(0).getDstHost()).isEqualTo("files.example.net");
        assertThat(back.getDetectedAt()).isEqualTo(SerdeFixtures.T0.plusMillis(250));
    }

    @Test
    void framesWithMagicByteAndTheRegisteredIdUnderTopicNameStrategy() {
        byte[] value =
                AvroSerializer.<DbAccessEvent>of(client, false, true).serialize("db-access", SerdeFixtures.dbRead());
        byte[] key =
                AvroSerializer.<DbAccessEvent>of(client, true, true).serialize("db-access", SerdeFixtures.dbRead());

        assertThat(value[0]).isZero();
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        assertThat(id).isEqualTo(client.getLatest("db-access-value").id());
        assertThat(WireFormat.peekSchemaId(value)).hasValue(id);
        assertThat(client.getAllSubjects()).containsExactlyInAnyOrder("db-access-value", "db-access-key");
        assertThat(Arrays.copyOfRange(key, 5, key.length)).isEqualTo(Arrays.copyOfRange(value, 5, value.length));
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<DbAccessEvent> serde = AvroSerde.of(DbAccessEvent.class, client, false);

        assertThat(serde.serializer().serialize("db-access", null)).isNull();
        assertThat(serde.deserializer().deserialize("db-access", null)).isNull();
    }

    @Test
    void withAutoRegisterOffFailsClearlyUntilTheSchemaIsRegistered() {
        AvroSerializer<DbAccessEvent> serializer = AvroSerializer.of(client, false, false);

        WireFormatException e = catchThrowableOfType(
                WireFormatException.class, () -> serializer.serialize("db-access", SerdeFixtures.dbRead()));
        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.SCHEMA_NOT_REGISTERED);
        assertThat(e).hasMessageContaining("db-access-value").hasMessageContaining("auto.register.schemas=false");
        assertThat(client.getAllSubjects()).isEmpty();

        int id = client.register("db-access-value", DbAccessEvent.getClassSchema());
        assertThat(WireFormat.peekSchemaId(serializer.serialize("db-access", SerdeFixtures.dbRead())))
                .hasValue(id);
    }

    @Test
    void configuredFromKafkaStyleProperties() {
        AvroSerde<DbAccessEvent> serde = new AvroSerde<>(DbAccessEvent.class);
        serde.configure(Map.of("schema.registry.url", registry.url(), "auto.register.schemas", "false"), false);
        client.register("db-access-value", DbAccessEvent.getClassSchema());

        byte[] bytes = serde.serializer().serialize("db-access", SerdeFixtures.dbRead());

        assertThat(serde.deserializer().deserialize("db-access", bytes)).isEqualTo(SerdeFixtures.dbRead());
        serde.close();
    }

    @Test
    void decodesRecordsFromAProducerOnTheOlderSchema() throws IOException {
        Schema older = SerdeFixtures.dbAccessEventWithout("bytes_returned");
        GenericRecord old = new GenericData.Record(older);
        old.put("event_time", SerdeFixtures.T0.toEpochMilli());
        old.put("account", "svc_report");
        old.put("tables", List.of("coop.members"));
        old.put(
                "operation",
                new GenericData.EnumSymbol(older.getField("operation").schema(), "COPY_OUT"));
        old.put("rows_returned", 9_000L);
        old.put("source_format", "pgaudit");
        byte[] bytes = frame(client.register("db-access-value", older), older, old);

        DbAccessEvent event = AvroDeserializer.of(DbAccessEvent.class, client).deserialize("db-access", bytes);

        assertThat(event.getAccount()).isEqualTo("svc_report");
        assertThat(event.getEventTime()).isEqualTo(SerdeFixtures.T0);
        assertThat(event.getOperation()).isEqualTo(Operation.COPY_OUT);
        assertThat(event.getRowsReturned()).isEqualTo(9_000L);
        assertThat(event.getBytesReturned()).isNull();
    }

    @Test
    void decodesRecordsFromAProducerOnANewerSchema() throws IOException {
        client.register("db-access-value", DbAccessEvent.getClassSchema());
        Schema newer = SerdeFixtures.dbAccessEventPlus(
                "{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}");
        GenericRecord record = new GenericData.Record(newer);
        record.put("event_time", SerdeFixtures.T0.toEpochMilli());
        record.put("account", "svc_report");
        record.put("tables", List.of("coop.members"));
        record.put(
                "operation",
                new GenericData.EnumSymbol(newer.getField("operation").schema(), "SELECT"));
        record.put("rows_returned", 12L);
        record.put("bytes_returned", 4096L);
        record.put("source_format", "mysql-slow");
        record.put("tenant", "north");
        int id = client.register("db-access-value", newer);
        assertThat(client.getVersions("db-access-value")).containsExactly(1, 2);

        DbAccessEvent event =
                AvroDeserializer.of(DbAccessEvent.class, client).deserialize("db-access", frame(id, newer, record));

        assertThat(event.getBytesReturned()).isEqualTo(4096L);
        assertThat(event.getSourceFormat()).isEqualTo("mysql-slow");
    }

    @Test
    void serializerReportsTheRegistryReasonWhenASchemaIsRefused() {
        client.register("db-access-value", SerdeFixtures.dbAccessEventWithType("rows_returned", "\"string\""));

        WireFormatException e = catchThrowableOfType(
                WireFormatException.class,
                () -> AvroSerializer.<DbAccessEvent>of(client, false, true)
                        .serialize("db-access", SerdeFixtures.dbRead()));

        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.SCHEMA_REJECTED);
        assertThat(e).hasMessageContaining("rows_returned").hasMessageContaining("TYPE_MISMATCH");
    }

    @Test
    void rejectsWrongMagicByteSayingWhichByteWasFound() {
        byte[] json = "{\"account\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        WireFormatException e = decodeFailure(json);

        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.WRONG_MAGIC_BYTE);
        assertThat(e)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("0x7b")
                .hasMessageContaining("JSON");
    }

    @Test
    void rejectsPayloadShorterThanTheHeader() {
        WireFormatException e = decodeFailure(new byte[] {0, 0, 1});

        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.TOO_SHORT);
        assertThat(e).hasMessageContaining("3 bytes");
    }

    @Test
    void rejectsUnknownSchemaId() {
        WireFormatException e = decodeFailure(new byte[] {0, 0, 0, 0x30, 0x39, 2, 3});

        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e).hasMessageContaining("12345");
    }

    @Test
    void rejectsTruncatedBody() {
        byte[] whole =
                AvroSerializer.<DbAccessEvent>of(client, false, true).serialize("db-access", SerdeFixtures.dbRead());

        WireFormatException e = decodeFailure(Arrays.copyOf(whole, whole.length - 10));

        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.TRUNCATED_BODY);
    }

    @Test
    void rejectsTrailingGarbageAsCorruptBody() {
        byte[] whole =
                AvroSerializer.<DbAccessEvent>of(client, false, true).serialize("db-access", SerdeFixtures.dbRead());
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);

        WireFormatException e = decodeFailure(longer);

        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.CORRUPT_BODY);
        assertThat(e).hasMessageContaining("trailing bytes");
    }

    @Test
    void rejectsImpossibleLengthAsCorruptOrTruncatedWithoutThrowingSomethingElse() {
        int id = client.register("db-access-value", DbAccessEvent.getClassSchema());
        // event_time, then a string length of -1 (zig-zag 0x01): no valid encoder writes that.
        byte[] bytes = {0, 0, 0, 0, (byte) id, 0x02, 0x01, 'a'};

        WireFormatException e = decodeFailure(bytes);

        assertThat(e.reason()).isIn(WireFormatException.Reason.CORRUPT_BODY, WireFormatException.Reason.TRUNCATED_BODY);
    }

    @Test
    void rejectsAWriterSchemaTheReaderCannotResolve() throws IOException {
        client.setCompatibility("odd-value", "NONE");
        Schema accountIsInt = SerdeFixtures.dbAccessEventWithType("account", "\"int\"");
        GenericRecord record = new GenericData.Record(accountIsInt);
        record.put("event_time", 0L);
        record.put("account", 7);
        record.put("tables", List.of());
        record.put(
                "operation",
                new GenericData.EnumSymbol(accountIsInt.getField("operation").schema(), "OTHER"));
        record.put("rows_returned", 0L);
        record.put("source_format", "x");
        byte[] bytes = frame(client.register("odd-value", accountIsInt), accountIsInt, record);

        WireFormatException e = decodeFailure(bytes);

        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.INCOMPATIBLE_WRITER_SCHEMA);
        assertThat(e).hasMessageContaining("account").hasMessageContaining("TYPE_MISMATCH");
    }

    @Test
    void deserializerCachesWriterSchemasSoSteadyStateDoesNoHttp() {
        AvroSerde<DbAccessEvent> serde = AvroSerde.of(
                DbAccessEvent.class,
                new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url())),
                false);
        byte[] bytes = serde.serializer().serialize("db-access", SerdeFixtures.dbRead());
        AvroDeserializer<DbAccessEvent> reader = AvroDeserializer.of(
                DbAccessEvent.class, new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url())));
        reader.deserialize("db-access", bytes);
        long before = registry.requestCount();

        for (int i = 0; i < 100; i++) {
            serde.serializer().serialize("db-access", SerdeFixtures.dbRead());
            reader.deserialize("db-access", bytes);
        }

        assertThat(registry.requestCount()).isEqualTo(before);
    }

    private WireFormatException decodeFailure(byte[] bytes) {
        return catchThrowableOfType(
                WireFormatException.class,
                () -> AvroDeserializer.of(DbAccessEvent.class, client).deserialize("db-access", bytes));
    }

    private static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
