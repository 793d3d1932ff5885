package org.exfilguard.avro;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one JSON codec of the detector's records: canonical events ({@code simulate}'s and
 * {@code parse}'s JSON lines), alerts (console, alert files, SIEMs, {@code evaluate}), and the
 * reverse for hand-written or exported records.
 *
 * <p>Fields appear in schema order under their schema names; timestamps are ISO-8601 UTC
 * ({@code 2026-03-01T02:15:00Z}, with millis only when non-zero); enums are their symbol;
 * unions are unwrapped (no Avro-JSON {@code {"string": ...}} wrappers), so the output is what a
 * person or a SIEM expects rather than Avro's own JSON encoding. A null field is written as
 * {@code null}, except one whose schema sets {@value #OMIT_NULL}: a field added to a record after
 * files of it were written and read elsewhere, which appears only when set so those files keep
 * their bytes.
 */
public final class JsonRecords {

    /** Field property: leave the field out while it is null. */
    static final String OMIT_NULL = "exfilguard.json.omit_null";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private JsonRecords() {}

    /** Renders a specific or generic record as one JSON line (no trailing newline). */
    public static String toJson(IndexedRecord record) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            writeRecord(generator, record.getSchema(), record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render " + record.getSchema().getFullName() + " as JSON", e);
        }
        return out.toString();
    }

    private static void writeRecord(JsonGenerator out, Schema schema, IndexedRecord record) throws IOException {
        out.writeStartObject();
        for (Schema.Field field : schema.getFields()) {
            Object value = record.get(field.pos());
            if (value == null && Boolean.TRUE.equals(field.getObjectProp(OMIT_NULL))) {
                continue;
            }
            out.writeFieldName(field.name());
            writeValue(out, field.schema(), value);
        }
        out.writeEndObject();
    }

    private static void writeValue(JsonGenerator out, Schema schema, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
            return;
        }
        switch (schema.getType()) {
            case UNION -> writeValue(out, branchOf(schema, value), value);
            case RECORD -> writeRecord(out, schema, (IndexedRecord) value);
            case ENUM, STRING -> out.writeString(value.toString());
            case ARRAY -> {
                out.writeStartArray();
                for (Object item : (Iterable<?>) value) {
                    writeValue(out, schema.getElementType(), item);
                }
                out.writeEndArray();
            }
            case MAP -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    out.writeFieldName(entry.getKey().toString());
                    writeValue(out, schema.getValueType(), entry.getValue());
                }
                out.writeEndObject();
            }
            case LONG -> writeLong(out, schema.getLogicalType(), value);
            case INT -> out.writeNumber(((Number) value).intValue());
            case FLOAT -> out.writeNumber(((Number) value).floatValue());
            case DOUBLE -> out.writeNumber(((Number) value).doubleValue());
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case BYTES -> out.writeString(Base64.getEncoder().encodeToString(bytes((ByteBuffer) value)));
            case FIXED -> out.writeString(Base64.getEncoder().encodeToString(((GenericData.Fixed) value).bytes()));
            case NULL -> out.writeNull();
        }
    }

    private static void writeLong(JsonGenerator out, LogicalType logicalType, Object value) throws IOException {
        if (logicalType instanceof LogicalTypes.TimestampMillis) {
            out.writeString(
                    value instanceof Instant instant
                            ? instant.truncatedTo(ChronoUnit.MILLIS).toString()
                            : Instant.ofEpochMilli(((Number) value).longValue()).toString());
        } else if (logicalType instanceof LogicalTypes.TimestampMicros) {
            out.writeString(
                    value instanceof Instant instant
                            ? instant.truncatedTo(ChronoUnit.MICROS).toString()
                            : Instant.EPOCH
                                    .plus(((Number) value).longValue(), ChronoUnit.MICROS)
                                    .toString());
        } else {
            out.writeNumber(((Number) value).longValue());
        }
    }

    private static Schema branchOf(Schema union, Object value) {
        List<Schema> types = union.getTypes();
        if (types.size() == 2 && union.isNullable()) {
            return types.get(0).getType() == Schema.Type.NULL ? types.get(1) : types.get(0);
        }
        return types.get(GenericData.get().resolveUnion(union, unconvert(union, value)));
    }

    /** Union branch resolution needs the Avro representation, not a converted Instant. */
    private static Object unconvert(Schema union, Object value) {
        if (value instanceof Instant instant) {
            for (Schema branch : union.getTypes()) {
                if (branch.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
                    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
                }
            }
            return instant.toEpochMilli();
        }
        return value;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /**
     * Parses one JSON object into an instance of the generated class. Timestamps may be ISO-8601
     * strings or epoch-millis numbers; missing fields take their schema defaults (or null for an
     * optional field); unknown fields are ignored.
     *
     * @throws JsonRecordException naming the field that is missing or of the wrong type
     */
    public static <T extends SpecificRecord> T fromJson(String json, Class<T> type) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new JsonRecordException("", "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new JsonRecordException("", "expected a JSON object");
        }
        AvroTrust.ensureTrusted();
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        return type.cast(readRecord(node, schema, model, ""));
    }

    private static Object readRecord(JsonNode node, Schema schema, SpecificData model, String path) {
        if (!node.isObject()) {
            throw new JsonRecordException(
                    path, "expected an object for record " + schema.getName() + ", got " + kind(node));
        }
        IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            JsonNode value = node.get(field.name());
            if (value == null || value.isMissingNode()) {
                record.put(field.pos(), missing(field, model, fieldPath));
            } else {
                record.put(field.pos(), readValue(value, field.schema(), model, fieldPath));
            }
        }
        return record;
    }

    private static Object missing(Schema.Field field, SpecificData model, String path) {
        if (field.hasDefaultValue()) {
            // Defaults are cached and shared by Avro: copy, or one record's list would alias another's.
            return model.deepCopy(field.schema(), model.getDefaultValue(field));
        }
        if (field.schema().isNullable()) {
            return null;
        }
        if (field.schema().getType() == Schema.Type.ENUM && field.schema().getEnumDefault() != null) {
            // Our enums carry a type-level default (Operation OTHER, AlertKind UNKNOWN) but no field default.
            return model.createEnum(field.schema().getEnumDefault(), field.schema());
        }
        throw new JsonRecordException(path, "required field is missing");
    }

    private static Object readValue(JsonNode node, Schema schema, SpecificData model, String path) {
        switch (schema.getType()) {
            case UNION -> {
                if (node.isNull()) {
                    if (schema.isNullable()) {
                        return null;
                    }
                    throw new JsonRecordException(path, "null is not allowed, expected " + branches(schema));
                }
                List<JsonRecordException> failures = new ArrayList<>();
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    try {
                        return readValue(node, branch, model, path);
                    } catch (JsonRecordException e) {
                        failures.add(e);
                    }
                }
                if (failures.size() == 1) {
                    throw failures.get(0);
                }
                throw new JsonRecordException(path, "expected one of " + branches(schema) + ", got " + kind(node));
            }
            case NULL -> {
                if (!node.isNull()) {
                    throw new JsonRecordException(path, "expected null, got " + kind(node));
                }
                return null;
            }
            case RECORD -> {
                return readRecord(node, schema, model, path);
            }
            case ENUM -> {
                if (!node.isTextual() || !schema.hasEnumSymbol(node.asText())) {
                    throw new JsonRecordException(
                            path,
                            "expected one of " + schema.getEnumSymbols() + ", got "
                                    + (node.isTextual() ? "'" + node.asText() + "'" : kind(node)));
                }
                return model.createEnum(node.asText(), schema);
            }
            case STRING -> {
                if (!node.isTextual()) {
                    throw new JsonRecordException(path, "expected a string, got " + kind(node));
                }
                return node.asText();
            }
            case ARRAY -> {
                if (!node.isArray()) {
                    throw new JsonRecordException(path, "expected an array, got " + kind(node));
                }
                List<Object> items = new ArrayList<>(node.size());
                for (int i = 0; i < node.size(); i++) {
                    items.add(readValue(node.get(i), schema.getElementType(), model, path + "[" + i + "]"));
                }
                return items;
            }
            case MAP -> {
                if (!node.isObject()) {
                    throw new JsonRecordException(path, "expected an object, got " + kind(node));
                }
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    map.put(
                            entry.getKey(),
                            readValue(entry.getValue(), schema.getValueType(), model, path + "." + entry.getKey()));
                }
                return map;
            }
            case LONG -> {
                return readLong(node, schema.getLogicalType(), path);
            }
            case INT -> {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw new JsonRecordException(path, "expected an int, got " + kind(node));
                }
                return node.intValue();
            }
            case DOUBLE, FLOAT -> {
                if (!node.isNumber()) {
                    throw new JsonRecordException(path, "expected a number, got " + kind(node));
                }
                return schema.getType() == Schema.Type.DOUBLE
                        ? (Object) node.doubleValue()
                        : (Object) node.floatValue();
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw new JsonRecordException(path, "expected true or false, got " + kind(node));
                }
                return node.booleanValue();
            }
            case BYTES -> {
                return ByteBuffer.wrap(base64(node, path));
            }
            case FIXED -> {
                byte[] bytes = base64(node, path);
                if (bytes.length != schema.getFixedSize()) {
                    throw new JsonRecordException(
                            path, "expected " + schema.getFixedSize() + " bytes, got " + bytes.length);
                }
                return model.createFixed(null, bytes, schema);
            }
            default -> throw new JsonRecordException(path, "unsupported Avro type " + schema.getType());
        }
    }

    private static Object readLong(JsonNode node, LogicalType logicalType, String path) {
        boolean millis = logicalType instanceof LogicalTypes.TimestampMillis;
        boolean micros = logicalType instanceof LogicalTypes.TimestampMicros;
        if (millis || micros) {
            if (node.isTextual()) {
                Instant instant = parseInstant(node.asText(), path);
                return millis ? instant.truncatedTo(ChronoUnit.MILLIS) : instant.truncatedTo(ChronoUnit.MICROS);
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return millis
                        ? Instant.ofEpochMilli(node.longValue())
                        : Instant.EPOCH.plus(node.longValue(), ChronoUnit.MICROS);
            }
            throw new JsonRecordException(
                    path,
                    "expected an ISO-8601 timestamp or epoch " + (millis ? "millis" : "micros") + ", got "
                            + kind(node));
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new JsonRecordException(path, "expected a long, got " + kind(node));
        }
        return node.longValue();
    }

    private static Instant parseInstant(String text, String path) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new JsonRecordException(
                        path, "'" + text + "' is not an ISO-8601 timestamp with zone (e.g. 2026-03-01T02:15:00Z)", e);
            }
        }
    }

    private static byte[] base64(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw new JsonRecordException(path, "expected base64 text, got " + kind(node));
        }
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw new JsonRecordException(path, "not valid base64", e);
        }
    }

    private static String branches(Schema union) {
        return union.getTypes().stream()
                .map(s -> s.getType().getName())
                .toList()
                .toString();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
