package org.exfilguard.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import org.exfilguard.config.ExfilguardConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code config}: the detector's own keys as its {@code ConfigDef} defines them ({@code --list}, as Markdown with
 * {@code --markdown}: the reference in detector/CONFIGURATION.md is this output), or the effective configuration
 * after file, environment and flags ({@code --effective}), secrets masked as in the start-up log.
 */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        resourceBundle = "org.exfilguard.cli.OptionTexts",
        description = {
            "List the detector's configuration keys (type, default, valid values, meaning), or print the effective "
                    + "configuration with secrets masked."
        })
public final class ConfigCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--list", description = "Every key the detector defines.")
        boolean list;

        @Option(
                names = "--effective",
                description = "The values in force after defaults < --config < EXFILGUARD_* < --set.")
        boolean effective;
    }

    @Option(
            names = "--markdown",
            description = "With --list: a Markdown table (the reference in detector/CONFIGURATION.md).")
    boolean markdown;

    @Mixin
    ConfigOptions configOptions = new ConfigOptions();

    @Override
    public Integer call() {
        PrintStream out = System.out;
        if (mode.effective) {
            ExfilguardConfig config = configOptions.load(System.getenv(), configOptions.settings);
            out.println(config.describe()
                    .lines()
                    .map(String::strip)
                    .reduce((a, b) -> a + "\n" + b)
                    .orElse(""));
        } else if (markdown) {
            out.print(markdown());
        } else {
            for (ConfigDef.ConfigKey key : keys()) {
                out.println(
                        key.name + " (" + typeOf(key) + ", default " + defaultOf(key) + validOf(key, ", valid ") + ")");
                out.println("    " + key.documentation);
            }
        }
        return 0;
    }

    static List<ConfigDef.ConfigKey> keys() {
        return ExfilguardConfig.DEFINITION.configKeys().values().stream()
                .sorted(java.util.Comparator.comparing(k -> k.name))
                .toList();
    }

    /** The reference table: one row per key, in name order. */
    static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration reference\n\n")
                .append("Every key the detector defines, generated from its `ConfigDef` by\n")
                .append(
                        "`java -jar detector/target/exfilguard.jar config --list --markdown` (a test keeps this file equal to\n")
                .append(
                        "that output). Precedence: defaults < `--config FILE` < `EXFILGUARD_*` environment < `--set` and flags.\n")
                .append(
                        "Kafka Streams and client keys pass through; any other key is refused. `config --effective` prints the\n")
                .append("values in force, secrets masked.\n\n")
                .append("| key | type | default | valid values | meaning |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        for (ConfigDef.ConfigKey key : keys()) {
            sb.append("| `")
                    .append(key.name)
                    .append("` | ")
                    .append(typeOf(key))
                    .append(" | ")
                    .append(cell(defaultOf(key)))
                    .append(" | ")
                    .append(cell(validOf(key, "")))
                    .append(" | ")
                    .append(cell(key.documentation))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String typeOf(ConfigDef.ConfigKey key) {
        return key.type.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault() || key.defaultValue == null) {
            return "none";
        }
        if (key.type == ConfigDef.Type.PASSWORD) {
            return "[hidden]";
        }
        Object value = key.defaultValue;
        String text = value instanceof List<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList())
                : String.valueOf(value);
        // The state directory's default is the build machine's temporary directory: say what it is, not where.
        if (key.name.equals(ExfilguardConfig.STATE_DIR)) {
            return "${java.io.tmpdir}/exfilguard-state";
        }
        return text.isEmpty() ? "(empty)" : text;
    }

    private static String validOf(ConfigDef.ConfigKey key, String prefix) {
        return key.validator == null ? "" : prefix + key.validator;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
