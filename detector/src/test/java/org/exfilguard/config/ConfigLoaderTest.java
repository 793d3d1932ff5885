package org.exfilguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void refusesAMisspeltFlagWithTheClosestKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("sensitive.table", "coop.nothing")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "unknown configuration key 'sensitive.table' (from --set, did you mean 'sensitive.tables'?)");
    }

    @Test
    void refusesAMisspeltVariableNamingTheVariable() {
        assertThatThrownBy(
                        () -> ConfigLoader.load(null, Map.of("EXFILGUARD_THRESHOLD_RATIO_OVER_TYPICLA", "9"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'threshold.ratio.over.typicla' (from EXFILGUARD_THRESHOLD_RATIO_OVER_TYPICLA, "
                        + "did you mean 'threshold.ratio.over.typical'?)");
    }

    @Test
    void refusesAMisspeltFileKeyNamingTheFile() throws Exception {
        Path file = Files.writeString(
                dir.resolve("exfilguard.properties"), "windowz=5m:5:1000\nbootstrap.servers=k:9092\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'windowz' (in " + file + ", did you mean 'windows'?)");
    }

    @Test
    void listsEveryUnknownKeyAndSuggestsNothingFarFetched() {
        assertThatThrownBy(() ->
                        ConfigLoader.load(null, Map.of(), Map.of("topic.alert", "a", "frobnicate.everything", "1")))
                .hasMessageStartingWith("unknown configuration keys ")
                .hasMessageContaining("'topic.alert' (from --set, did you mean 'topic.alerts'?)")
                .hasMessageContaining("'frobnicate.everything' (from --set)");
    }

    @Test
    void acceptsKafkaStreamsAndClientKeysBareAndPrefixed() {
        Map<String, String> flags = Map.of(
                "num.stream.threads", "2",
                "security.protocol", "SSL",
                "ssl.keystore.key", "-----BEGIN PRIVATE KEY-----",
                "producer.linger.ms", "5",
                "consumer.max.poll.records", "100",
                "main.consumer.fetch.max.wait.ms", "100",
                "admin.retries", "3",
                "topic.min.insync.replicas", "2",
                "schema.registry.ssl.truststore.location", "/etc/ts.jks",
                "basic.auth.user.info", "u:p");
        ExfilguardConfig config = ConfigLoader.load(
                null,
                Map.of("EXFILGUARD_SASL_JAAS_CONFIG", "x", "PATH", "/bin", "EXFILGUARD_SENSITIVE_TABLES", "a.b"),
                flags);
        assertThat(config.getList(ExfilguardConfig.SENSITIVE_TABLES)).containsExactly("a.b");
        assertThat(config.originals())
                .containsKeys("sasl.jaas.config", "producer.linger.ms", "topic.min.insync.replicas");
    }

    @Test
    void refusesAPrefixedKeyTheClientDoesNotHave() {
        assertThat(ConfigKeys.accepted("producer.linger.ms")).isTrue();
        assertThat(ConfigKeys.accepted("producer.linger.msec")).isFalse();
        assertThat(ConfigKeys.accepted("topic.min.insync.replica")).isFalse();
    }
}
