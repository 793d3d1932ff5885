package org.exfilguard.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be written or read in the Confluent wire format (magic byte 0, 4-byte
 * big-endian schema id, Avro binary). {@link #reason()} is a stable code for dead-letter headers;
 * the message says what was wrong in words.
 */
public class WireFormatException extends SerializationException {
    private static final long serialVersionUID = 1L;

    /** Why a record was refused. Codes are stable: they end up in dead-letter headers and dashboards. */
    public enum Reason {
        /** First byte is not 0: not Confluent-framed Avro (JSON, plain Avro, another serializer). */
        WRONG_MAGIC_BYTE,
        /** Fewer than 5 bytes: no room for magic byte and schema id. */
        TOO_SHORT,
        /** The registry does not know the schema id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The Avro body ends before the writer schema says it should. */
        TRUNCATED_BODY,
        /** The Avro body does not decode with the writer schema (bad lengths, bad union index, trailing bytes). */
        CORRUPT_BODY,
        /** The writer schema cannot be resolved into the reader class's schema. */
        INCOMPATIBLE_WRITER_SCHEMA,
        /** Serializing with auto-register off, and the schema is not registered under the subject. */
        SCHEMA_NOT_REGISTERED,
        /** The registry refused to register the schema (e.g. incompatible with earlier versions). */
        SCHEMA_REJECTED,
        /** The registry could not be reached or failed (5xx): transient, retrying later may succeed. */
        REGISTRY_UNAVAILABLE,
        /** The record could not be encoded with its own schema (e.g. a required field is null). */
        INVALID_RECORD
    }

    private final Reason reason;

    public WireFormatException(Reason reason, String message) {
        this(reason, message, null);
    }

    public WireFormatException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** Stable code saying why the record was refused. */
    public Reason reason() {
        return reason;
    }
}
