package org.exfilguard;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build keeps the layering of STYLE.md: the detector's own classes break no rule of {@link Layering}, and the
 * same rules report every mistake planted in {@code org.exfilguard.layeringfixture}, so a passing check means
 * something.
 */
class LayeringTest {

    private static final String FIXTURE = "org.exfilguard.layeringfixture";

    // Imported from the build's class directories, not by a scan of the whole class path.
    private static final JavaClasses DETECTOR = new ClassFileImporter().importPath(classDirectory(Main.class));

    private static final JavaClasses MISTAKES = new ClassFileImporter()
            .importPath(classDirectory(LayeringTest.class).resolve(FIXTURE.replace('.', '/')));

    @Test
    void detectorKeepsItsLayers() {
        assertThat(DETECTOR.contain("org.exfilguard.Main")).isTrue();
        Layering.all("org.exfilguard").forEach(rule -> rule.check(DETECTOR));
    }

    @Test
    void reportsADomainClassThatImportsKafka() {
        assertThat(violations(Layering.domainImportsNoKafka(FIXTURE)))
                .anyMatch(v ->
                        v.contains(FIXTURE + ".detect.KafkaScore") && v.contains("org.apache.kafka.common.utils.Bytes"))
                .noneMatch(v -> v.contains(".ingest.") || v.contains(".bench."));
    }

    @Test
    void reportsAPackageCycle() {
        List<String> cycles = violations(Layering.noPackageCycles(FIXTURE));
        assertThat(cycles).anyMatch(v -> v.contains("ingest") && v.contains("profile"));
        assertThat(cycles).anyMatch(v -> v.contains("bench") && v.contains("cli"));
    }

    @Test
    void reportsAToolThatUsesTheCommandLineAndADomainClassThatUsesAnAdapter() {
        List<String> violations = violations(Layering.layers(FIXTURE));
        assertThat(violations)
                .anyMatch(v -> v.contains(FIXTURE + ".bench.Bench") && v.contains(FIXTURE + ".cli.Command"));
        assertThat(violations)
                .anyMatch(v -> v.contains(FIXTURE + ".detect.ReadsTopics") && v.contains(FIXTURE + ".topology.Wiring"));
        // The command line may use the tools: that direction is not reported.
        assertThat(violations).noneMatch(v -> v.startsWith("Method <" + FIXTURE + ".cli.Command"));
    }

    private static Path classDirectory(Class<?> type) {
        try {
            return Path.of(
                    type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> violations(ArchRule rule) {
        EvaluationResult result = rule.evaluate(MISTAKES);
        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        return result.getFailureReport().getDetails();
    }
}
