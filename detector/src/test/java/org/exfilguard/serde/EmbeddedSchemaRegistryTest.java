package org.exfilguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.avro.Schema;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.ExfiltrationAlert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against the in-memory registry: the Confluent API subset end to end. */
class EmbeddedSchemaRegistryTest {

    private static final Schema CURRENT = DbAccessEvent.getClassSchema();
    private static final Schema OLDER = SerdeFixtures.dbAccessEventWithout("bytes_returned");

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
    void servesOnLoopbackWithEphemeralPort() {
        assertThat(registry.url()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(registry.url()).doesNotEndWith(":0");
    }

    @Test
    void startsOnAChosenPort() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EmbeddedSchemaRegistry chosen = EmbeddedSchemaRegistry.start("127.0.0.1", port)) {
            assertThat(chosen.url()).isEqualTo("http://127.0.0.1:" + port);
            assertThat(new RestSchemaRegistryClient(Map.of("schema.registry.url", chosen.url())).getAllSubjects())
                    .isEmpty();
        }
    }

    @Test
    void registersAndFetchesSchemaById() {
        int id = client.register("db-access-value", CURRENT);

        RestSchemaRegistryClient fresh = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
        assertThat(fresh.getSchemaById(id)).isEqualTo(CURRENT);
    }

    @Test
    void reRegisteringTheSameSchemaKeepsIdAndAddsNoVersion() {
        int first = client.register("db-access-value", CURRENT);
        RestSchemaRegistryClient other = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));

        assertThat(other.register("db-access-value", CURRENT)).isEqualTo(first);
        assertThat(other.getVersions("db-access-value")).containsExactly(1);
    }

    @Test
    void idsAreGlobalAcrossSubjects() {
        int a = client.register("a-value", CURRENT);
        int b = client.register("b-value", CURRENT);
        int alert = client.register("alerts-value", ExfiltrationAlert.getClassSchema());

        assertThat(b).isEqualTo(a);
        assertThat(alert).isNotEqualTo(a);
    }

    @Test
    void listsSubjectsVersionsAndLatest() {
        client.register("db-access-value", OLDER);
        int currentId = client.register("db-access-value", CURRENT);
        client.register("alerts-value", ExfiltrationAlert.getClassSchema());

        assertThat(client.getAllSubjects()).containsExactly("db-access-value", "alerts-value");
        assertThat(client.getVersions("db-access-value")).containsExactly(1, 2);
        RegisteredSchema latest = client.getLatest("db-access-value");
        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(currentId);
        assertThat(latest.schema()).isEqualTo(CURRENT);
        assertThat(client.getVersion("db-access-value", 1).schema()).isEqualTo(OLDER);
    }

    @Test
    void lookupFindsRegisteredSchemaAndRefusesUnknownOnes() {
        int id = client.register("db-access-value", CURRENT);

        RegisteredSchema found = client.lookup("db-access-value", CURRENT);
        assertThat(found.id()).isEqualTo(id);
        assertThat(found.version()).isEqualTo(1);

        SchemaRegistryException unknownSchema =
                catchThrowableOfType(SchemaRegistryException.class, () -> client.lookup("db-access-value", OLDER));
        assertThat(unknownSchema.httpStatus()).isEqualTo(404);
        assertThat(unknownSchema.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);

        SchemaRegistryException unknownSubject =
                catchThrowableOfType(SchemaRegistryException.class, () -> client.lookup("nope-value", CURRENT));
        assertThat(unknownSubject.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
    }

    @Test
    void missingVersionIsA40402() {
        client.register("db-access-value", CURRENT);

        assertThatThrownBy(() -> client.getVersion("db-access-value", 7))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.VERSION_NOT_FOUND));
    }

    @Test
    void compatibilityTestSaysYesForAnOptionalFieldAndNoWithReasonForARequiredOne() {
        client.register("db-access-value", CURRENT);

        CompatibilityResult ok = client.testCompatibility(
                "db-access-value",
                SerdeFixtures.dbAccessEventPlus(
                        "{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}"));
        assertThat(ok.compatible()).isTrue();
        assertThat(ok.messages()).isEmpty();

        CompatibilityResult refused = client.testCompatibility(
                "db-access-value", SerdeFixtures.dbAccessEventPlus("{\"name\":\"tenant\",\"type\":\"string\"}"));
        assertThat(refused.compatible()).isFalse();
        assertThat(refused.messages())
                .singleElement()
                .asString()
                .contains("READER_FIELD_MISSING_DEFAULT")
                .contains("tenant")
                .contains("version 1");
    }

    @Test
    void refusesIncompatibleRegistrationWith409AndTheReason() {
        client.register("db-access-value", CURRENT);
        Schema changedType = SerdeFixtures.dbAccessEventWithType("rows_returned", "\"string\"");

        SchemaRegistryException refused = catchThrowableOfType(
                SchemaRegistryException.class, () -> client.register("db-access-value", changedType));

        assertThat(refused.httpStatus()).isEqualTo(409);
        assertThat(refused.isIncompatible()).isTrue();
        assertThat(refused.registryMessage())
                .contains("incompatible with an earlier schema for subject \"db-access-value\"")
                .contains("TYPE_MISMATCH")
                .contains("rows_returned");
        assertThat(client.getVersions("db-access-value")).containsExactly(1);
    }

    @Test
    void backwardAllowsRemovingAFieldButForwardDoesNotWhenItHasNoDefault() {
        client.register("events-value", CURRENT);
        Schema withoutAccount = SerdeFixtures.dbAccessEventWithout("account");

        // New schema ignores 'account' that old data has: BACKWARD accepts.
        assertThat(client.testCompatibility("events-value", withoutAccount).compatible())
                .isTrue();

        client.setCompatibility("events-value", "FORWARD");
        assertThat(client.getCompatibility("events-value")).isEqualTo("FORWARD");
        // Old readers need 'account', which has no default: FORWARD refuses.
        CompatibilityResult forward = client.testCompatibility("events-value", withoutAccount);
        assertThat(forward.compatible()).isFalse();
        assertThat(forward.messages()).anySatisfy(m -> assertThat(m).contains("account"));

        client.setCompatibility("events-value", "FULL");
        assertThat(client.testCompatibility("events-value", withoutAccount).compatible())
                .isFalse();

        client.setCompatibility("events-value", "NONE");
        assertThat(client.register("events-value", SerdeFixtures.dbAccessEventWithType("account", "\"int\"")))
                .isPositive();
    }

    @Test
    void transitiveChecksEveryEarlierVersion() {
        Schema v1 = SerdeFixtures.dbAccessEventPlus("{\"name\":\"tenant\",\"type\":\"string\"}");
        Schema v2 = CURRENT;
        // v3 re-adds 'tenant' as an int with a default: readable from v2 (no tenant), not from v1 (string tenant).
        Schema v3 = SerdeFixtures.dbAccessEventPlus("{\"name\":\"tenant\",\"type\":\"int\",\"default\":0}");
        client.register("t-value", v1);
        client.register("t-value", v2);

        assertThat(client.testCompatibility("t-value", v3).compatible()).isTrue();
        client.setCompatibility("t-value", "BACKWARD_TRANSITIVE");
        CompatibilityResult transitive = client.testCompatibility("t-value", v3);
        assertThat(transitive.compatible()).isFalse();
        assertThat(transitive.messages())
                .singleElement()
                .asString()
                .contains("version 1")
                .contains("tenant");
    }

    @Test
    void globalLevelDefaultsToBackwardAndSubjectLevelOverridesIt() {
        assertThat(client.getCompatibility(null)).isEqualTo("BACKWARD");
        assertThat(client.getCompatibility("any-value")).isEqualTo("BACKWARD");

        client.setCompatibility(null, "FULL");
        client.setCompatibility("loose-value", "NONE");

        assertThat(client.getCompatibility(null)).isEqualTo("FULL");
        assertThat(client.getCompatibility("any-value")).isEqualTo("FULL");
        assertThat(client.getCompatibility("loose-value")).isEqualTo("NONE");
    }

    @Test
    void refusesUnknownCompatibilityLevelWith422() {
        assertThatThrownBy(() -> client.setCompatibility(null, "SIDEWAYS"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL);
                });
    }

    @Test
    void cachesIdsAndSchemasSoRepeatedCallsDoNoHttp() {
        int id = client.register("db-access-value", CURRENT);
        client.lookup("db-access-value", CURRENT);
        RestSchemaRegistryClient reader = new RestSchemaRegistryClient(Map.of("schema.registry.url", registry.url()));
        reader.getSchemaById(id);
        long before = registry.requestCount();

        for (int i = 0; i < 5; i++) {
            assertThat(client.register("db-access-value", CURRENT)).isEqualTo(id);
            assertThat(client.lookup("db-access-value", CURRENT).id()).isEqualTo(id);
            assertThat(reader.getSchemaById(id)).isEqualTo(CURRENT);
        }

        assertThat(registry.requestCount()).isEqualTo(before);
        client.getVersions("db-access-value");
        assertThat(registry.requestCount()).isEqualTo(before + 1);
    }

    @Test
    void subjectsWithUnusualCharactersAreEncoded() {
        int id = client.register("team a/db access+x-value", CURRENT);

        assertThat(client.getAllSubjects()).containsExactly("team a/db access+x-value");
        assertThat(client.getLatest("team a/db access+x-value").id()).isEqualTo(id);
    }

    @Test
    void refusesUnparseableSchemaWith422AndErrorCode42201() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/x-value/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"schema\":\"{\\\"type\\\":\\\"record\\\"\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("\"error_code\":42201").contains("Invalid schema");
    }
}
