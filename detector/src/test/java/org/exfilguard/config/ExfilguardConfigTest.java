package org.exfilguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExfilguardConfigTest {

    private static final String PEM =
            "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----";

    @Test
    void describeHidesEveryKafkaPasswordTypeKeyAndUrlPasswords() {
        ExfilguardConfig config = ConfigLoader.load(
                null,
                Map.of(
                        "EXFILGUARD_SSL_KEYSTORE_KEY",
                        PEM,
                        "EXFILGUARD_SCHEMA_REGISTRY_URL",
                        "https://reg-user:reg-pass-123@registry.example:8081,https://other:pw2@r2:8081"),
                Map.of(
                        "producer.ssl.keystore.key",
                        PEM,
                        "ssl.truststore.certificates",
                        "CERTDATA",
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"jaas-pw\";",
                        "sasl.oauthbearer.client.credentials.client.secret",
                        "oauth-secret",
                        "bootstrap.servers",
                        "SASL_SSL://u:broker-pw@k1:9093",
                        "key.serializer",
                        "org.apache.kafka.common.serialization.StringSerializer",
                        "metrics.token",
                        "metrics-token-value"));
        String described = config.describe();
        assertThat(described)
                .doesNotContain(
                        "BEGIN PRIVATE KEY",
                        "reg-pass-123",
                        "pw2",
                        "CERTDATA",
                        "jaas-pw",
                        "oauth-secret",
                        "broker-pw",
                        "metrics-token-value")
                .contains(
                        "ssl.keystore.key=[hidden]",
                        "producer.ssl.keystore.key=[hidden]",
                        "schema.registry.url=https://[hidden]@registry.example:8081,https://[hidden]@r2:8081",
                        "key.serializer=org.apache.kafka.common.serialization.StringSerializer",
                        "sensitive.tables=[coop.members, coop.member_cards]");
    }

    @Test
    void secretsAreJudgedByKafkaTypeAndByName() {
        assertThat(ConfigSecrets.isSecret("ssl.keystore.key")).isTrue();
        assertThat(ConfigSecrets.isSecret("main.consumer.ssl.key.password")).isTrue();
        assertThat(ConfigSecrets.isSecret("schema.registry.ssl.keystore.key")).isTrue();
        assertThat(ConfigSecrets.isSecret("my.plugin.api.key")).isTrue();
        assertThat(ConfigSecrets.isSecret("vault.apikey")).isTrue();
        assertThat(ConfigSecrets.isSecret("basic.auth.user.info")).isTrue();
        assertThat(ConfigSecrets.isSecret("key.serializer")).isFalse();
        assertThat(ConfigSecrets.isSecret("default.key.serde")).isFalse();
        assertThat(ConfigSecrets.isSecret("sensitive.tables")).isFalse();
    }

    @Test
    void peerGroupsComeFromTheKeyAndTheFileAndABadLineNamesFileAndLine() throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("groups", ".csv");
        java.nio.file.Files.writeString(file, "# roles\nbi,bi_*\n");
        ExfilguardConfig config =
                new ExfilguardConfig(Map.of("peer.groups", "service:svc_*", "peer.groups.file", file.toString()));
        assertThat(PeerGroupsFactory.from(config).groupOf("svc_x")).isEqualTo("service");
        assertThat(PeerGroupsFactory.from(config).groupOf("bi_y")).isEqualTo("bi");

        java.nio.file.Files.writeString(file, "bi,bi_*\nfinance fin_*\n");
        ExfilguardConfig bad = new ExfilguardConfig(Map.of("peer.groups.file", file.toString()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeerGroupsFactory.from(bad))
                .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
                .hasMessageContaining(file + ":2: expected group,account-pattern")
                .hasMessageNotContaining("\n");
        ExfilguardConfig missing = new ExfilguardConfig(Map.of("peer.groups.file", file + ".gone"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PeerGroupsFactory.from(missing))
                .hasMessageContaining("peer.groups.file");
    }
}
