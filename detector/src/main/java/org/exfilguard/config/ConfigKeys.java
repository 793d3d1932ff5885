package org.exfilguard.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.exfilguard.serde.RegistryClientConfig;

/**
 * The configuration keys the detector accepts, taken from the real definitions rather than a copied list: its own
 * {@link ExfilguardConfig#DEFINITION}, Kafka Streams and its producer, consumer and admin clients (bare and with
 * Streams' client prefixes), Streams' {@code topic.} settings of internal topics, and the schema-registry client
 * keys that {@link ExfilguardConfig#registryClientConfig()} forwards. A key outside them is a typo: Kafka would
 * only log it at INFO and the detector would run on the default it meant to replace.
 */
public final class ConfigKeys {

    private static final Set<String> OWN = ExfilguardConfig.DEFINITION.names();
    private static final Set<String> STREAMS = StreamsConfig.configDef().names();
    private static final Set<String> CLIENTS = clientKeys();
    private static final List<String> CLIENT_PREFIXES = List.of(
            StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.ADMIN_CLIENT_PREFIX);
    private static final Set<String> REGISTRY = registryKeys();
    private static final Set<String> PASSWORDS = passwordKeys();

    private ConfigKeys() {}

    /** True for a key the detector, Kafka Streams, a Kafka client or the registry client reads. */
    public static boolean accepted(String key) {
        if (OWN.contains(key) || STREAMS.contains(key) || CLIENTS.contains(key) || REGISTRY.contains(key)) {
            return true;
        }
        Optional<String> client = unprefixed(key);
        if (client.isPresent() && CLIENTS.contains(client.get())) {
            return true;
        }
        // topic.* is shared: our own topic names (matched above) and Streams' internal-topic settings.
        if (key.startsWith(StreamsConfig.TOPIC_PREFIX)
                && LogConfig.configNames().contains(key.substring(StreamsConfig.TOPIC_PREFIX.length()))) {
            return true;
        }
        return key.startsWith(StreamsConfig.CLIENT_TAG_PREFIX)
                && key.length() > StreamsConfig.CLIENT_TAG_PREFIX.length();
    }

    /** The detector's own key closest to a mistyped one, if one is close enough to be what was meant. */
    public static Optional<String> suggestion(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return OWN.stream()
                .map(own -> new Candidate(own, distance(lower, own)))
                .filter(c -> c.distance() <= Math.max(2, c.key().length() / 4))
                .min(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::key))
                .map(Candidate::key);
    }

    /** True when Kafka (or the detector) defines the key, bare or client-prefixed, with type PASSWORD. */
    static boolean isPasswordType(String key) {
        return PASSWORDS.contains(key)
                || unprefixed(key).filter(PASSWORDS::contains).isPresent()
                || key.startsWith("schema.registry.") && PASSWORDS.contains(key.substring("schema.registry.".length()));
    }

    private static Optional<String> unprefixed(String key) {
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return Optional.of(key.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    private record Candidate(String key, int distance) {}

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost one. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                row[j] = Math.min(substitution, Math.min(previous[j], row[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = row;
            row = swap;
        }
        return previous[b.length()];
    }

    private static Set<String> clientKeys() {
        Set<String> keys = new HashSet<>(ConsumerConfig.configNames());
        keys.addAll(ProducerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return keys;
    }

    private static Set<String> passwordKeys() {
        Set<String> keys = new HashSet<>();
        for (ConfigDef def : List.of(
                ProducerConfig.configDef(),
                ConsumerConfig.configDef(),
                AdminClientConfig.configDef(),
                StreamsConfig.configDef(),
                ExfilguardConfig.DEFINITION)) {
            def.configKeys().values().stream()
                    .filter(k -> k.type == ConfigDef.Type.PASSWORD)
                    .forEach(k -> keys.add(k.name));
        }
        return Set.copyOf(keys);
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
        return Set.copyOf(keys);
    }
}
