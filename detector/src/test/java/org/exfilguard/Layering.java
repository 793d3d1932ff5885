package org.exfilguard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * The layering of STYLE.md as ArchUnit rules over the packages under a root: the domain (parsers, profiles, scoring,
 * incidents, simulation) imports no Kafka; the Kafka adapters (topology, serde, config, embedded broker) sit above
 * it; the tools ({@code bench}) above those and the command line ({@code cli}, {@code Main}) on top; no package cycle.
 * {@link LayeringTest} checks the detector against them and a fixture of deliberate mistakes that they must report.
 */
final class Layering {

    static final List<String> DOMAIN = List.of(
            "schema",
            "avro",
            "ingest",
            "profile",
            "detect",
            "incident",
            "suppress",
            "sim",
            "eval",
            "report",
            "metrics");
    static final List<String> ADAPTERS = List.of("topology", "serde", "config", "embedded");

    private Layering() {}

    static ArchRule domainImportsNoKafka(String root) {
        return noClasses()
                .that()
                .resideInAnyPackage(packages(root, DOMAIN))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "kafka..")
                .because("domain logic is plain Java, tested without Kafka (STYLE.md, habit 3)");
    }

    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    static ArchRule layers(String root) {
        return layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("Main")
                .definedBy(root)
                .layer("Cli")
                .definedBy(root + ".cli..")
                .layer("Tools")
                .definedBy(root + ".bench..")
                .layer("Adapters")
                .definedBy(packages(root, ADAPTERS))
                .layer("Domain")
                .definedBy(packages(root, DOMAIN))
                .whereLayer("Cli")
                .mayOnlyBeAccessedByLayers("Main")
                .whereLayer("Tools")
                .mayOnlyBeAccessedByLayers("Cli")
                .whereLayer("Adapters")
                .mayOnlyBeAccessedByLayers("Main", "Cli", "Tools");
    }

    static List<ArchRule> all(String root) {
        return List.of(domainImportsNoKafka(root), noPackageCycles(root), layers(root));
    }

    private static String[] packages(String root, List<String> names) {
        return names.stream().map(name -> root + "." + name + "..").toArray(String[]::new);
    }
}
