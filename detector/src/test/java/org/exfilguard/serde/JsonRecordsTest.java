package org.exfilguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.exfilguard.avro.JsonRecordException;
import org.exfilguard.avro.JsonRecords;
import org.exfilguard.schema.AlertKind;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.exfilguard.schema.Operation;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void rendersDbAccessEventAsOneLineInSchemaOrder() {
        assertThat(JsonRecords.toJson(SerdeFixtures.dbRead()))
                .isEqualTo(
                        "{\"event_time\":\"2026-03-01T02:15:00Z\",\"account\":\"svc_report\",\"client_ip\":\"10.1.2.3\","
                                + "\"client_host\":null,\"database\":\"coop\",\"tables\":[\"coop.members\"],\"operation\":\"SELECT\","
                                + "\"rows_returned\":2400000,\"rows_examined\":2400000,\"bytes_returned\":512000000,"
                                + "\"statement_fingerprint\":\"select * from members where region = ?\",\"session_id\":\"s-42\","
                                + "\"source_format\":\"pgaudit\"}");
    }

    @Test
    void writesAFieldMarkedOmitNullOnlyWhenSetSoEarlierCanonicalFilesKeepTheirBytes() {
        DbAccessEvent undetermined = DbAccessEvent.newBuilder(SerdeFixtures.dbRead())
                .setTablesUndetermined(true)
                .build();

        assertThat(JsonRecords.toJson(undetermined))
                .endsWith(",\"source_format\":\"pgaudit\",\"tables_undetermined\":true}");
        assertThat(JsonRecords.fromJson(JsonRecords.toJson(undetermined), DbAccessEvent.class))
                .isEqualTo(undetermined);
        assertThat(JsonRecords.fromJson(JsonRecords.toJson(SerdeFixtures.dbRead()), DbAccessEvent.class))
                .isEqualTo(SerdeFixtures.dbRead());
    }

    @Test
    void rendersAlertWithIsoTimestampsKeepingNonZeroMillisEnumsAndNestedEgress() throws Exception {
        JsonNode json = MAPPER.readTree(JsonRecords.toJson(SerdeFixtures.alert()));

        assertThat(json.get("detected_at").asText()).isEqualTo("2026-03-01T02:15:00.250Z");
        assertThat(json.get("window_start").asText()).isEqualTo("2026-03-01T02:00:00Z");
        assertThat(json.get("first_seen").asText()).isEqualTo("2026-03-01T02:05:00Z");
        assertThat(json.get("status").asText()).isEqualTo("OPENED");
        assertThat(json.get("kind").asText()).isEqualTo("READ_THEN_EGRESS");
        assertThat(json.get("observed_bytes").isNull()).isTrue();
        assertThat(json.get("egress").get("first_time").asText()).isEqualTo("2026-03-01T02:16:00Z");
        assertThat(json.get("egress").get("destinations").get(0).get("dst_host").asText())
                .isEqualTo("files.example.net");
        assertThat(json.get("egress")
                        .get("destinations")
                        .get(0)
                        .get("first_seen_in_org")
                        .asBoolean())
                .isTrue();
        assertThat(json.get("mitre_techniques")).hasSize(2);
        assertThat(fieldNames(json))
                .containsExactlyElementsOf(ExfiltrationAlert.getClassSchema().getFields().stream()
                        .map(Schema.Field::name)
                        .toList());
    }

    @Test
    void rendersGenericRecordsWithEpochMillisAsIsoToo() {
        Schema schema = SchemaBuilder.record("Tick")
                .fields()
                .name("at")
                .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .name("label")
                .type()
                .optional()
                .stringType()
                .endRecord();
        GenericRecord tick = new GenericData.Record(schema);
        tick.put("at", 1_772_331_300_007L);
        tick.put("label", "x");

        assertThat(JsonRecords.toJson(tick)).isEqualTo("{\"at\":\"2026-03-01T02:15:00.007Z\",\"label\":\"x\"}");
    }

    @Test
    void roundTripsAlertAndEvent() {
        ExfiltrationAlert alert = SerdeFixtures.alert();
        DbAccessEvent event = SerdeFixtures.dbRead();

        assertThat(JsonRecords.fromJson(JsonRecords.toJson(alert), ExfiltrationAlert.class))
                .isEqualTo(alert);
        assertThat(JsonRecords.fromJson(JsonRecords.toJson(event), DbAccessEvent.class))
                .isEqualTo(event);
    }

    @Test
    void acceptsEpochMillisAndOffsetTimestamps() {
        DbAccessEvent millis =
                JsonRecords.fromJson("{\"event_time\":1772331300250,\"account\":\"a\"}", DbAccessEvent.class);
        DbAccessEvent offset = JsonRecords.fromJson(
                "{\"event_time\":\"2026-03-01T03:15:00.250+01:00\",\"account\":\"a\"}", DbAccessEvent.class);

        assertThat(millis.getEventTime()).isEqualTo(Instant.parse("2026-03-01T02:15:00.250Z"));
        assertThat(offset.getEventTime()).isEqualTo(millis.getEventTime());
    }

    @Test
    void missingFieldsTakeDefaultsAndUnknownFieldsAreIgnored() {
        DbAccessEvent first = JsonRecords.fromJson(
                "{\"event_time\":\"2026-03-01T02:15:00Z\",\"account\":\"a\",\"colour\":\"blue\"}", DbAccessEvent.class);
        DbAccessEvent second = JsonRecords.fromJson(
                "{\"event_time\":\"2026-03-01T02:15:00Z\",\"account\":\"b\"}", DbAccessEvent.class);

        assertThat(first.getOperation()).isEqualTo(Operation.OTHER);
        assertThat(first.getRowsReturned()).isZero();
        assertThat(first.getSourceFormat()).isEqualTo("canonical");
        assertThat(first.getClientIp()).isNull();
        assertThat(first.getTables()).isEmpty();
        // Defaults are copied: filling one record's list must not leak into the next.
        first.getTables().add("coop.members");
        assertThat(second.getTables()).isEmpty();
    }

    @Test
    void enumDefaultsApplyInNestedAlerts() {
        String json = JsonRecords.toJson(SerdeFixtures.alert()).replace("\"kind\":\"READ_THEN_EGRESS\",", "");

        assertThat(JsonRecords.fromJson(json, ExfiltrationAlert.class).getKind())
                .isEqualTo(AlertKind.UNKNOWN);
    }

    @Test
    void namesTheMissingRequiredField() {
        JsonRecordException e = catchThrowableOfType(
                JsonRecordException.class,
                () -> JsonRecords.fromJson("{\"event_time\":\"2026-03-01T02:15:00Z\"}", DbAccessEvent.class));

        assertThat(e.field()).isEqualTo("account");
        assertThat(e).hasMessage("field 'account': required field is missing");
    }

    @Test
    void namesTheFieldOfTheWrongType() {
        JsonRecordException e = catchThrowableOfType(
                JsonRecordException.class,
                () -> JsonRecords.fromJson(
                        "{\"event_time\":\"2026-03-01T02:15:00Z\",\"account\":\"a\",\"rows_returned\":\"many\"}",
                        DbAccessEvent.class));

        assertThat(e.field()).isEqualTo("rows_returned");
        assertThat(e).hasMessageContaining("expected a long, got a string");
    }

    @Test
    void namesNestedFieldPathsAndBadEnumSymbolsAndBadTimestamps() {
        String alert = JsonRecords.toJson(SerdeFixtures.alert());

        JsonRecordException nested = catchThrowableOfType(
                JsonRecordException.class,
                () -> JsonRecords.fromJson(
                        alert.replace(
                                "\"bytes_out\":498000000,\"first_seen_from_host\"",
                                "\"bytes_out\":\"big\",\"first_seen_from_host\""),
                        ExfiltrationAlert.class));
        assertThat(nested.field()).isEqualTo("egress.destinations[0].bytes_out");

        JsonRecordException symbol = catchThrowableOfType(
                JsonRecordException.class,
                () -> JsonRecords.fromJson(
                        alert.replace("\"severity\":\"CRITICAL\"", "\"severity\":\"SEVERE\""),
                        ExfiltrationAlert.class));
        assertThat(symbol.field()).isEqualTo("severity");
        assertThat(symbol).hasMessageContaining("SEVERE").hasMessageContaining("CRITICAL");

        JsonRecordException time = catchThrowableOfType(
                JsonRecordException.class,
                () -> JsonRecords.fromJson("{\"event_time\":\"yesterday\",\"account\":\"a\"}", DbAccessEvent.class));
        assertThat(time.field()).isEqualTo("event_time");
        assertThat(time).hasMessageContaining("ISO-8601");
    }

    @Test
    void refusesNullForARequiredFieldAndNonObjects() {
        JsonRecordException nullAccount = catchThrowableOfType(
                JsonRecordException.class,
                () -> JsonRecords.fromJson("{\"event_time\":0,\"account\":null}", DbAccessEvent.class));
        assertThat(nullAccount.field()).isEqualTo("account");

        JsonRecordException notObject = catchThrowableOfType(
                JsonRecordException.class, () -> JsonRecords.fromJson("[1,2]", DbAccessEvent.class));
        assertThat(notObject).hasMessageContaining("JSON object");

        JsonRecordException notJson = catchThrowableOfType(
                JsonRecordException.class, () -> JsonRecords.fromJson("{\"event_time\":", DbAccessEvent.class));
        assertThat(notJson).hasMessageContaining("not valid JSON");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
