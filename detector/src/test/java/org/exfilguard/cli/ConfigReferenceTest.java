package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.exfilguard.config.ExfilguardConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConfigReferenceTest {

    /** detector/CONFIGURATION.md; tests run in detector/. */
    private static final Path REFERENCE = Path.of("CONFIGURATION.md");

    @Test
    void theReferenceIsWhatConfigListMarkdownPrintsForTheCode() throws Exception {
        assertThat(Files.readString(REFERENCE))
                .as("regenerate with: java -jar detector/target/exfilguard.jar config --list"
                        + " --markdown > detector/CONFIGURATION.md")
                .isEqualTo(ConfigCommand.markdown());
        for (String key : ExfilguardConfig.DEFINITION.names()) {
            assertThat(Files.readString(REFERENCE)).contains("| `" + key + "` |");
        }
    }

    @Test
    void effectivePrintsTheValuesInForceWithSecretsMasked() {
        String out = run(
                "--effective",
                "--set",
                "sensitive.tables=hr.salaries",
                "--set",
                "metrics.token=s3cret-token",
                "--set",
                "schema.registry.url=https://user:pa55@registry:8081");
        assertThat(out)
                .contains("sensitive.tables=[hr.salaries]")
                .contains("metrics.token=[hidden]")
                .doesNotContain("s3cret-token")
                .doesNotContain("pa55");
    }

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertThat(new CommandLine(new ConfigCommand()).execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
