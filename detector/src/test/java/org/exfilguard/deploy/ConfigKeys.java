package org.exfilguard.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.exfilguard.config.ConfigLoader;
import org.exfilguard.config.ExfilguardConfig;
import org.exfilguard.serde.RegistryClientConfig;

/**
 * The configuration keys the detector accepts, from the real definitions: {@link ExfilguardConfig#DEFINITION},
 * Kafka Streams and its clients (with Streams' client and topic prefixes), and the schema-registry client keys
 * that {@link ExfilguardConfig#registryClientConfig()} forwards. No list is copied here.
 */
final class ConfigKeys {

    private static final Set<String> OWN = ExfilguardConfig.DEFINITION.names();
    private static final Set<String> STREAMS = StreamsConfig.configDef().names();
    private static final Set<String> CLIENTS = clientKeys();
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);
    private static final Set<String> REGISTRY = registryKeys();
    /** Values that satisfy some validator of every typed own key; used only to learn the key a variable names. */
    private static final List<String> PROBE_VALUES = List.of("1", "true", "exactly_once_v2", "0.9", "x");

    private ConfigKeys() {
    }

    static boolean accepted(String key) {
        if (OWN.contains(key) || STREAMS.contains(key) || CLIENTS.contains(key) || REGISTRY.contains(key)) {
            return true;
        }
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix) && CLIENTS.contains(key.substring(prefix.length()))) {
                return true;
            }
        }
        // topic.* is shared: our own topic names (matched above) and Streams' internal-topic settings.
        if (key.startsWith(StreamsConfig.TOPIC_PREFIX) && LogConfig.configNames().contains(key.substring(StreamsConfig.TOPIC_PREFIX.length()))) {
            return true;
        }
        return key.startsWith(StreamsConfig.CLIENT_TAG_PREFIX) && key.length() > StreamsConfig.CLIENT_TAG_PREFIX.length();
    }

    /** The key an EXFILGUARD_ variable sets, as {@link ConfigLoader} maps it; empty when it maps to none. */
    static Optional<String> keyOfVariable(String variable) {
        ConfigException last = null;
        for (String probe : PROBE_VALUES) {
            try {
                return ConfigLoader.load(null, Map.of(variable, probe), Map.of()).originals().keySet().stream().findFirst();
            } catch (ConfigException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no probe value is valid for " + variable, last);
    }

    private static Set<String> clientKeys() {
        Set<String> keys = new HashSet<>(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return keys;
    }

    /** The registry client's keys that reach it: those under schema.registry. or basic.auth. */
    private static Set<String> registryKeys() {
        Set<String> keys = new HashSet<>();
        for (Field field : RegistryClientConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    String key = (String) field.get(null);
                    if (!key.endsWith(".") && (key.startsWith("schema.registry.") || key.startsWith("basic.auth."))) {
                        keys.add(key);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }
}
