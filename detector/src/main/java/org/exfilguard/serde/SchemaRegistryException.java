package org.exfilguard.serde;

/**
 * A schema registry refused a request or could not be reached.
 *
 * <p>Carries the HTTP status and the Confluent {@code error_code} (e.g. 40401 subject not found,
 * 40403 schema not found, 409 incompatible schema, 42201 invalid schema) so callers can tell a
 * refusal from an outage. Status 0 means no HTTP answer at all (connection refused, timeout).
 * Messages never contain credentials.
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Confluent error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code: incompatible schema (HTTP 409). */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent error code: invalid schema. */
    public static final int INVALID_SCHEMA = 42201;
    /** Confluent error code: invalid compatibility level. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    public SchemaRegistryException(int httpStatus, int errorCode, String registryMessage) {
        this(httpStatus, errorCode, registryMessage, null);
    }

    public SchemaRegistryException(int httpStatus, int errorCode, String registryMessage, Throwable cause) {
        super(describe(httpStatus, errorCode, registryMessage), cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    private static String describe(int httpStatus, int errorCode, String message) {
        if (httpStatus == 0) {
            return "schema registry unreachable: " + message;
        }
        return "schema registry error " + errorCode + " (HTTP " + httpStatus + "): " + message;
    }

    /** HTTP status of the registry's answer, or 0 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent {@code error_code}, or the HTTP status when the body had none. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's own {@code message}, e.g. why a schema is incompatible. */
    public String registryMessage() {
        return registryMessage;
    }

    /** True for "no such subject / version / schema" answers. */
    public boolean isNotFound() {
        return httpStatus == 404;
    }

    /** True when the registry refused a schema as incompatible with earlier versions. */
    public boolean isIncompatible() {
        return httpStatus == 409;
    }

    /** True when retrying later could help: no answer or a 5xx. */
    public boolean isTransient() {
        return httpStatus == 0 || httpStatus >= 500;
    }
}
