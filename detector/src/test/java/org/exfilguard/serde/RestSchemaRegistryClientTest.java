package org.exfilguard.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.exfilguard.schema.DbAccessEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transport behaviour of the REST client: retries, fail-over, auth, TLS settings, secrecy. */
class RestSchemaRegistryClientTest {

    private static final String SCHEMA_ANSWER =
            "{\"schema\":" + quoted(DbAccessEvent.getClassSchema().toString()) + "}";

    private static Map<String, Object> config(String url) {
        Map<String, Object> config = new HashMap<>();
        config.put("schema.registry.url", url);
        config.put("retries.wait.ms", 1);
        config.put("retries.max.wait.ms", 5);
        return config;
    }

    @Test
    void retriesOn5xxAndSucceeds() {
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.then(503, "{\"error_code\":50003,\"message\":\"leader election\"}")
                    .then(500, "")
                    .then(200, SCHEMA_ANSWER);
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(config(server.url()));

            assertThat(client.getSchemaById(7)).isEqualTo(DbAccessEvent.getClassSchema());
            assertThat(server.received())
                    .hasSize(3)
                    .allSatisfy(r -> assertThat(r.path()).isEqualTo("/schemas/ids/7"));
        }
    }

    @Test
    void keepsAPathPrefixSuchAsApicuriosCcompatApi() {
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.then(200, SCHEMA_ANSWER);
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(config(server.url() + "/apis/ccompat/v7/"));

            client.getSchemaById(7);

            assertThat(server.received().get(0).path()).isEqualTo("/apis/ccompat/v7/schemas/ids/7");
        }
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastStatus() {
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.otherwise(502, "{\"error_code\":50002,\"message\":\"bad gateway\"}");
            Map<String, Object> config = config(server.url());
            config.put("max.retries", 2);
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);

            SchemaRegistryException e =
                    catchThrowableOfType(SchemaRegistryException.class, () -> client.getSchemaById(7));

            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.isTransient()).isTrue();
            assertThat(server.received()).hasSize(3);
        }
    }

    @Test
    void doesNotRetryOn4xx() {
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.then(404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}")
                    .then(200, SCHEMA_ANSWER);
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(config(server.url()));

            SchemaRegistryException e =
                    catchThrowableOfType(SchemaRegistryException.class, () -> client.getSchemaById(7));

            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.errorCode()).isEqualTo(40403);
            assertThat(e.registryMessage()).isEqualTo("Schema 7 not found");
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void failsOverToTheNextUrlWhenOneIsDown() throws IOException {
        int deadPort = freePort();
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.then(200, SCHEMA_ANSWER).then(200, "[\"db-access-value\"]");
            RestSchemaRegistryClient client =
                    new RestSchemaRegistryClient(config("http://127.0.0.1:" + deadPort + " , " + server.url()));

            assertThat(client.getSchemaById(3)).isEqualTo(DbAccessEvent.getClassSchema());
            assertThat(client.getAllSubjects()).containsExactly("db-access-value");
            assertThat(server.received()).hasSize(2);
        }
    }

    @Test
    void unreachableRegistryIsATransientErrorWithStatusZero() throws IOException {
        Map<String, Object> config = config("http://127.0.0.1:" + freePort());
        config.put("max.retries", 1);
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> client.getSchemaById(1));

        assertThat(e.httpStatus()).isZero();
        assertThat(e.isTransient()).isTrue();
        assertThat(e).hasMessageContaining("unreachable");
    }

    @Test
    void sendsBasicAuthFromUserInfoAndTheRegistryContentType() {
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.then(200, "{\"id\":12}");
            Map<String, Object> config = config(server.url());
            config.put("basic.auth.credentials.source", "USER_INFO");
            config.put("basic.auth.user.info", "detector:s3cr3t-pw");
            RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);

            assertThat(client.register("db-access-value", DbAccessEvent.getClassSchema()))
                    .isEqualTo(12);

            ScriptedHttpServer.Received request = server.received().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/subjects/db-access-value/versions");
            assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
            assertThat(request.authorization())
                    .isEqualTo("Basic "
                            + Base64.getEncoder()
                                    .encodeToString("detector:s3cr3t-pw".getBytes(StandardCharsets.UTF_8)));
            assertThat(request.body()).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
        }
    }

    @Test
    void takesCredentialsFromTheUrlAndNeverPrintsThem() {
        try (ScriptedHttpServer server = new ScriptedHttpServer()) {
            server.otherwise(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
            RestSchemaRegistryClient client =
                    new RestSchemaRegistryClient(config("http://detector:s3cr3t-pw@127.0.0.1:" + server.port()));

            SchemaRegistryException e =
                    catchThrowableOfType(SchemaRegistryException.class, () -> client.getSchemaById(1));

            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(server.received().get(0).authorization())
                    .isEqualTo("Basic "
                            + Base64.getEncoder()
                                    .encodeToString("detector:s3cr3t-pw".getBytes(StandardCharsets.UTF_8)));
            assertThat(client.urls()).extracting(Object::toString).containsExactly("http://127.0.0.1:" + server.port());
            assertThat(fullText(e)).doesNotContain("s3cr3t-pw").doesNotContain("detector:");
        }
    }

    @Test
    void userInfoNeverAppearsInConnectionErrors() throws IOException {
        Map<String, Object> config = config("http://detector:s3cr3t-pw@127.0.0.1:" + freePort());
        config.put("max.retries", 0);
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(config);

        SchemaRegistryException e = catchThrowableOfType(SchemaRegistryException.class, () -> client.getSchemaById(1));

        assertThat(fullText(e)).doesNotContain("s3cr3t-pw").doesNotContain("detector:");
        assertThat(RegistryClientConfig.from(config).toString()).doesNotContain("s3cr3t-pw");
    }

    @Test
    void refusesBadConfigurationNamingTheKeyNotTheSecret() {
        assertThatThrownBy(() -> new RestSchemaRegistryClient(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new RestSchemaRegistryClient(Map.of(
                        "schema.registry.url", "http://127.0.0.1:1", "basic.auth.credentials.source", "USER_INFO")))
                .hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> new RestSchemaRegistryClient(Map.of("schema.registry.url", "ftp://x:s3cr3t-pw@h/")))
                .hasMessageContaining("schema.registry.url")
                .message()
                .doesNotContain("s3cr3t-pw");
    }

    @Test
    void loadsTruststoreAndRefusesAWrongPasswordWithoutEchoingIt(@TempDir Path dir) throws Exception {
        Path truststore = dir.resolve("trust.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var out = Files.newOutputStream(truststore)) {
            store.store(out, "right-pw".toCharArray());
        }
        Map<String, Object> config = config("https://127.0.0.1:1");
        config.put("schema.registry.ssl.truststore.location", truststore.toString());
        config.put("schema.registry.ssl.truststore.type", "PKCS12");
        config.put("schema.registry.ssl.truststore.password", "right-pw");
        assertThat(new RestSchemaRegistryClient(config).urls()).hasSize(1);

        config.put("schema.registry.ssl.truststore.password", "wrong-pw");
        assertThatThrownBy(() -> new RestSchemaRegistryClient(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location")
                .message()
                .doesNotContain("wrong-pw");
    }

    private static String fullText(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
