package org.exfilguard.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API that exfilguard uses. Works with
 * Confluent SR, Apicurio (ccompat), Karapace and Redpanda. Every method throws
 * {@link SchemaRegistryException} when the registry refuses or cannot be reached.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers the schema under the subject (or finds it if already there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema getSchemaById(int id);

    /** Id and version of a schema already registered under the subject; 404 if it is not. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** All subjects. */
    List<String> getAllSubjects();

    /** Version numbers of the subject, ascending. */
    List<Integer> getVersions(String subject);

    /** The latest version of the subject. */
    RegisteredSchema getLatest(String subject);

    /** One version of the subject. */
    RegisteredSchema getVersion(String subject, int version);

    /** Whether the schema is compatible with the subject's latest version under its compatibility level. */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    /** Compatibility level of the subject, falling back to the global one; null subject = global. */
    String getCompatibility(String subject);

    /** Sets the compatibility level of the subject; null subject = global. */
    void setCompatibility(String subject, String level);

    @Override
    default void close() {}
}
