package org.exfilguard.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.ExfiltrationAlert;
import org.junit.jupiter.api.Test;

class AvroBytesTest {

    @Test
    void readsEveryStoredRecordAsTheBuildBeforeSingleObjectEncodingWroteIt() throws IOException {
        // The types stored before that encoding; a waiting read (DbAccessEvent) was first stored with it.
        for (int i = 0; i < StoredSamples.LEGACY_TYPES; i++) {
            Class<? extends SpecificRecord> type = StoredSamples.types().get(i);
            byte[] legacy = legacyFixture(type);

            assertThat(legacy[0]).as(type.getSimpleName()).isNotEqualTo((byte) 0xC3);
            assertThat(decode(type, legacy))
                    .as(type.getSimpleName())
                    .isEqualTo(StoredSamples.all().get(i));
        }
    }

    @Test
    void writesAvroSingleObjectEncodingThatAvroItselfReads() throws IOException {
        for (SpecificRecord sample : StoredSamples.all()) {
            byte[] bytes = encode(sample);

            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
            BinaryMessageDecoder<Object> avro =
                    new BinaryMessageDecoder<>(SpecificData.getForClass(sample.getClass()), sample.getSchema());
            assertThat(avro.decode(bytes)).isEqualTo(sample);
            assertThat(decode(sample.getClass(), bytes)).isEqualTo(sample);
        }
    }

    @Test
    void readsRecordsOfAnEarlierSchemaInTheHistoryAfterAFieldWasAdded() throws IOException {
        Schema earlier = alertSchemaWithout("suppression_reason");
        ExfiltrationAlert sample = StoredSamples.alert();
        byte[] earlierBuild = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), earlier)
                .encode(asEarlier(sample, earlier))
                .array();

        ExfiltrationAlert read =
                new AvroBytes<>(ExfiltrationAlert.class, List.of(earlier, sample.getSchema())).decode(earlierBuild);

        assertThat(read)
                .isEqualTo(ExfiltrationAlert.newBuilder(sample)
                        .setSuppressionReason(null)
                        .build());
        assertThatThrownBy(() ->
                        new AvroBytes<>(ExfiltrationAlert.class, List.of(sample.getSchema())).decode(earlierBuild))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schemas/history");
    }

    @Test
    void readsBytesWithoutTheMarkerWithTheFirstSchemaOfTheHistoryNotTodays() throws IOException {
        Schema earlier = alertSchemaWithout("suppression_reason");
        ExfiltrationAlert sample = StoredSamples.alert();
        byte[] plainEarlier = plainAvro(asEarlier(sample, earlier), earlier);

        ExfiltrationAlert read =
                new AvroBytes<>(ExfiltrationAlert.class, List.of(earlier, sample.getSchema())).decode(plainEarlier);

        assertThat(read.getSuppressionReason()).isNull();
        assertThat(read.getReason()).isEqualTo(sample.getReason());
        assertThat(read.getDetectorVersion()).isEqualTo(sample.getDetectorVersion());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static SpecificRecord decode(Class<? extends SpecificRecord> type, byte[] bytes) {
        return new AvroBytes(type).decode(bytes);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] encode(SpecificRecord record) {
        return new AvroBytes(record.getClass()).encode(record);
    }

    private static byte[] legacyFixture(Class<?> type) throws IOException {
        String name = "/stored-records/" + type.getSimpleName() + ".legacy.hex";
        try (InputStream in = AvroBytesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
    }

    /** Today's alert schema with one defaulted field removed: the schema of the build before that field was added. */
    private static Schema alertSchemaWithout(String field) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema =
                (ObjectNode) json.readTree(ExfiltrationAlert.getClassSchema().toString());
        ArrayNode fields = (ArrayNode) schema.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(field)) {
                fields.remove(i);
                return new Schema.Parser().parse(schema.toString());
            }
        }
        throw new IllegalArgumentException("no field " + field);
    }

    private static GenericRecord asEarlier(ExfiltrationAlert alert, Schema earlier) throws IOException {
        byte[] today = plainAvro(alert, alert.getSchema());
        return new GenericDatumReader<GenericRecord>(alert.getSchema(), earlier)
                .read(null, DecoderFactory.get().binaryDecoder(today, null));
    }

    @SuppressWarnings("unchecked")
    private static byte[] plainAvro(Object record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        if (record instanceof SpecificRecord) {
            new SpecificDatumWriter<Object>(schema, SpecificData.getForClass(record.getClass())).write(record, encoder);
        } else {
            new GenericDatumWriter<Object>(schema).write(record, encoder);
        }
        encoder.flush();
        return out.toByteArray();
    }
}
