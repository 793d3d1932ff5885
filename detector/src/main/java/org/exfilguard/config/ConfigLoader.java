package org.exfilguard.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Resolves configuration with the documented precedence: defaults &lt; properties file &lt; environment
 * ({@code EXFILGUARD_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}) &lt; command line. A key that no source may
 * set (see {@link ConfigKeys}) is refused, whichever source it comes from, with the closest key the detector has:
 * a misspelt key would otherwise leave the detector running on the default it was meant to replace.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "EXFILGUARD_";

    private ConfigLoader() {}

    public static ExfilguardConfig load(Path file, Map<String, String> environment, Map<String, String> flags) {
        return new ExfilguardConfig(merge(file, environment, flags));
    }

    static Map<String, Object> merge(Path file, Map<String, String> environment, Map<String, String> flags) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        if (file != null) {
            Map<String, String> fromFile = readProperties(file);
            fromFile.keySet().forEach(key -> check(unknown, key, "in " + file));
            values.putAll(fromFile);
        }
        environment.keySet().forEach(name -> keyOf(name).ifPresent(key -> check(unknown, key, "from " + name)));
        values.putAll(fromEnvironment(environment));
        flags.forEach((k, v) -> {
            if (v != null) {
                check(unknown, k, "from --set");
                values.put(k, v);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ConfigException(
                    "unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                            + String.join(", ", unknown)
                            + ": a key must be the detector's own or a Kafka Streams, producer, "
                            + "consumer or admin client setting (also prefixed: producer., consumer., main.consumer., admin., topic.)");
        }
        return values;
    }

    private static void check(List<String> unknown, String key, String where) {
        if (!ConfigKeys.accepted(key)) {
            unknown.add("'" + key + "' (" + where
                    + ConfigKeys.suggestion(key)
                            .map(s -> ", did you mean '" + s + "'?")
                            .orElse("") + ")");
        }
    }

    /** The key an {@code EXFILGUARD_} variable sets: {@code EXFILGUARD_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}. */
    public static Optional<String> keyOf(String variable) {
        if (variable.startsWith(ENV_PREFIX) && variable.length() > ENV_PREFIX.length()) {
            return Optional.of(variable.substring(ENV_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace('_', '.'));
        }
        return Optional.empty();
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        environment.forEach((name, value) -> keyOf(name).ifPresent(key -> values.put(key, value)));
        return values;
    }

    static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties
                .stringPropertyNames()
                .forEach(k -> values.put(k, properties.getProperty(k).trim()));
        return values;
    }
}
