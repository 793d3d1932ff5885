package org.exfilguard.avro;

/** A JSON line could not be turned into an Avro record; {@link #field()} names the offending field path. */
public class JsonRecordException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public JsonRecordException(String field, String message) {
        this(field, message, null);
    }

    public JsonRecordException(String field, String message, Throwable cause) {
        super(field == null || field.isEmpty() ? message : "field '" + field + "': " + message, cause);
        this.field = field;
    }

    /** Dotted path of the field, e.g. {@code egress.destinations[0].dst_ip}; empty for the whole line. */
    public String field() {
        return field;
    }
}
