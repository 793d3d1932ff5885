package org.exfilguard.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Resolves configuration with the documented precedence: defaults &lt; properties file &lt; environment
 * ({@code EXFILGUARD_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}) &lt; command line.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "EXFILGUARD_";

    private ConfigLoader() {
    }

    public static ExfilguardConfig load(Path file, Map<String, String> environment, Map<String, String> flags) {
        return new ExfilguardConfig(merge(file, environment, flags));
    }

    static Map<String, Object> merge(Path file, Map<String, String> environment, Map<String, String> flags) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (file != null) {
            values.putAll(readProperties(file));
        }
        values.putAll(fromEnvironment(environment));
        flags.forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
            }
        });
        return values;
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                values.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
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
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
        return values;
    }
}
