package org.exfilguard.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.streams.test.TestRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.serde.SchemaRegistryClient;
import org.exfilguard.serde.SchemaRegistryException;
import org.exfilguard.serde.WireFormat;
import org.exfilguard.testkit.DetectorDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Producers on an older and a newer DbAccessEvent schema feed the running topology side by side; both are
 * decoded into the detector's schema and counted. A schema that would break readers is refused at registration.
 */
class SchemaEvolutionTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBJECT = "db-access-value";
    private static final Instant BURST =
            DetectorTopologyTest.DAY0.plus(Duration.ofDays(14)).plus(Duration.ofHours(14));

    private final DetectorDriver driver = DetectorDriver.withDefaults();
    private final SchemaRegistryClient registry = driver.registryClient();

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void olderAndNewerProducersAreBothProcessedByTheRunningTopology() throws IOException {
        // The current producers register the detector's own schema first: normal work for two weeks.
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 14, 3));
        Schema older = withoutField("bytes_returned");
        Schema newer = withExtraField("{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}");
        int olderId = registry.register(SUBJECT, older);
        int newerId = registry.register(SUBJECT, newer);
        assertThat(registry.getVersions(SUBJECT)).hasSize(3);

        double acceptedBefore = accepted();
        // The extraction arrives from both producers, alternating.
        for (int i = 0; i < 40; i++) {
            Instant at = BURST.plusSeconds(30L * i);
            GenericRecord record = i % 2 == 0 ? read(older, at) : read(newer, at);
            if (i % 2 == 1) {
                record.put("tenant", "north");
                record.put("bytes_returned", 2_500_000L);
            }
            driver.pipeRaw(frame(i % 2 == 0 ? olderId : newerId, record), at);
        }

        assertThat(driver.deadLetters())
                .as("no record of either schema is refused")
                .isEmpty();
        assertThat(accepted())
                .as("every event of the burst accepted, from both producers")
                .isEqualTo(acceptedBefore + 40);
        List<ExfiltrationAlert> alerts = driver.alerts();
        assertThat(alerts).isNotEmpty();
        ExfiltrationAlert opened = alerts.get(0);
        assertThat(opened.getAccount()).isEqualTo("jdoe");
        assertThat(opened.getTable()).isEqualTo("coop.members");
        // The first read of the burst, from the older producer, already stands out; it has no bytes field, so the
        // detector's default (null: bytes unknown) applies.
        assertThat(opened.getDetectedAt()).isEqualTo(BURST);
        assertThat(opened.getObservedRows()).isEqualTo(25_000L);
        assertThat(opened.getObservedBytes())
                .as("no bytes known for the window")
                .isIn(null, 0L);
    }

    @Test
    void incompatibleSchemaIsRefusedWithTheReasonAndTheTopologyKeepsWorking() throws IOException {
        driver.pipe(DetectorTopologyTest.analystDays("jdoe", "10.8.4.21", 1, 4));
        int versionsBefore = registry.getVersions(SUBJECT).size();
        Schema breaking = withFieldType("rows_returned", "\"string\"");

        SchemaRegistryException refused =
                catchThrowableOfType(SchemaRegistryException.class, () -> registry.register(SUBJECT, breaking));

        assertThat(refused)
                .as("the registry refuses a schema that breaks readers")
                .isNotNull();
        assertThat(refused).hasMessageContaining("rows_returned").hasMessageContaining("TYPE_MISMATCH");
        assertThat(registry.getVersions(SUBJECT)).hasSize(versionsBefore);

        // A producer that skips the registry and frames its bytes with an id nobody registered goes to the DLQ.
        GenericRecord rogue = read(breaking, BURST);
        rogue.put("account", "rogue");
        rogue.put("rows_returned", "lots");
        driver.pipeRaw(frame(987_654, rogue), BURST);
        List<TestRecord<byte[], byte[]>> dead = driver.deadLetters();
        assertThat(dead).hasSize(1);
        String reason =
                new String(dead.get(0).headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8);
        assertThat(reason).isNotBlank();

        // The topology is unharmed: a valid event after it is processed.
        double accepted = accepted();
        driver.pipe(org.exfilguard.testkit.TestEvents.dbRead()
                .at(BURST.plusSeconds(60))
                .build());
        assertThat(accepted()).isEqualTo(accepted + 1);
    }

    private double accepted() {
        return driver.metrics()
                .count(org.exfilguard.metrics.DetectorMetrics.EVENTS, "source", "db-access", "outcome", "accepted");
    }

    private static GenericRecord read(Schema schema, Instant at) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("event_time", at.toEpochMilli());
        record.put("account", "jdoe");
        record.put("client_ip", "10.8.4.21");
        record.put("database", "coop");
        record.put("tables", List.of("coop.members"));
        record.put(
                "operation",
                new GenericData.EnumSymbol(schema.getField("operation").schema(), "SELECT"));
        record.put("rows_returned", 25_000L);
        record.put("statement_fingerprint", "select * from coop.members");
        record.put("source_format", "pgaudit");
        return record;
    }

    private static byte[] frame(int schemaId, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema withoutField(String name) throws IOException {
        ObjectNode schema = current();
        ArrayNode fields = (ArrayNode) schema.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(name)) {
                fields.remove(i);
                return new Schema.Parser().parse(schema.toString());
            }
        }
        throw new IllegalArgumentException("no field " + name);
    }

    private static Schema withExtraField(String fieldJson) throws IOException {
        ObjectNode schema = current();
        ((ArrayNode) schema.get("fields")).add(JSON.readTree(fieldJson));
        return new Schema.Parser().parse(schema.toString());
    }

    private static Schema withFieldType(String name, String typeJson) throws IOException {
        ObjectNode schema = current();
        for (var field : schema.get("fields")) {
            if (field.get("name").asText().equals(name)) {
                ((ObjectNode) field).set("type", JSON.readTree(typeJson));
                ((ObjectNode) field).remove("default");
            }
        }
        return new Schema.Parser().parse(schema.toString());
    }

    private static ObjectNode current() throws IOException {
        return (ObjectNode) JSON.readTree(DbAccessEvent.getClassSchema().toString());
    }
}
