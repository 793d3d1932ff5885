package org.exfilguard.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The Confluent compatibility levels, checked with Avro's own {@link SchemaCompatibility}.
 * BACKWARD: consumers on the new schema read data written with the old one; FORWARD: consumers on
 * the old schema read data written with the new one; FULL: both; TRANSITIVE: against every
 * earlier version instead of the latest only.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    /** Parses a level name case-insensitively; throws {@link IllegalArgumentException} for an unknown one. */
    public static CompatibilityLevel parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("compatibility level is missing");
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compatibility level '" + name + "'");
        }
    }

    /**
     * Why the candidate is incompatible with the existing versions (oldest first, numbered from
     * {@code firstVersion}); empty when compatible.
     */
    public List<String> check(Schema candidate, List<Schema> existing, int firstVersion) {
        List<String> problems = new ArrayList<>();
        if (this == NONE || existing.isEmpty()) {
            return problems;
        }
        int from = transitive ? 0 : existing.size() - 1;
        for (int i = from; i < existing.size(); i++) {
            Schema old = existing.get(i);
            int version = firstVersion + i;
            if (newReadsOld) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(candidate, old),
                        candidate,
                        "the new schema cannot read data written with version " + version,
                        problems);
            }
            if (oldReadsNew) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(old, candidate),
                        old,
                        "version " + version + " cannot read data written with the new schema",
                        problems);
            }
        }
        return problems;
    }

    private static void describe(
            SchemaPairCompatibility result, Schema reader, String direction, List<String> problems) {
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add("{errorType:'" + incompatibility.getType() + "', description:'" + direction + ": "
                    + explain(incompatibility, reader) + "'}");
        }
    }

    /** One incompatibility in words, naming the field rather than only Avro's JSON-pointer location. */
    static String explain(Incompatibility incompatibility, Schema reader) {
        String field = fieldAt(reader, incompatibility.getLocation());
        return (field.isEmpty() ? "" : "field '" + field + "': ") + incompatibility.getMessage() + " (at "
                + incompatibility.getLocation() + ")";
    }

    /** Dotted field path for a location like {@code /fields/7/type/1/fields/0}; empty at the top level. */
    static String fieldAt(Schema schema, String location) {
        StringBuilder path = new StringBuilder();
        String[] parts = location.split("/");
        Schema current = schema;
        for (int i = 0; i < parts.length && current != null; i++) {
            String part = parts[i];
            if (part.equals("fields") && i + 1 < parts.length && current.getType() == Schema.Type.RECORD) {
                int index = parseIndex(parts[++i]);
                if (index < 0 || index >= current.getFields().size()) {
                    break;
                }
                Schema.Field field = current.getFields().get(index);
                path.append(path.isEmpty() ? "" : ".").append(field.name());
                current = field.schema();
            } else if (part.equals("items") && current.getType() == Schema.Type.ARRAY) {
                current = current.getElementType();
            } else if (part.equals("values") && current.getType() == Schema.Type.MAP) {
                current = current.getValueType();
            } else if (current.getType() == Schema.Type.UNION && parseIndex(part) >= 0) {
                int index = parseIndex(part);
                current = index < current.getTypes().size() ? current.getTypes().get(index) : null;
            }
        }
        return path.toString();
    }

    private static int parseIndex(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
