package org.exfilguard.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.exfilguard.config.ConfigLoader;
import org.exfilguard.config.ExfilguardConfig;
import picocli.CommandLine.Option;

/**
 * {@code --config} and {@code --set}: where a command's configuration comes from besides the defaults and the
 * environment. A command that says more about them in its help does so in {@code OptionTexts.properties}.
 */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", descriptionKey = "config", description = "Properties file.")
    Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            descriptionKey = "set",
            description = "Any configuration key, repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The {@code --set} values, with {@code flags} over them where not null: flags name what the command's own options set. */
    Map<String, String> flags(Map<String, String> flags) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putAll(given(flags));
        return all;
    }

    /** {@code flags} without the options that were not given (null values). */
    static Map<String, String> given(Map<String, String> flags) {
        Map<String, String> given = new LinkedHashMap<>();
        flags.forEach((key, value) -> {
            if (value != null) {
                given.put(key, value);
            }
        });
        return given;
    }

    /** Defaults < {@code --config} file < {@code env} < {@code flags}. */
    ExfilguardConfig load(Map<String, String> env, Map<String, String> flags) {
        return ConfigLoader.load(file, env, flags);
    }
}
