package org.exfilguard.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.exfilguard.config.ExfilguardConfig;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and the schema registry are, for the commands that talk to them. */
final class ClusterOptions {

    @Option(
            names = {"--bootstrap-servers", "--bootstrap-server"},
            paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Schema registry URL(s).")
    String schemaRegistryUrl;

    /** The configuration keys these options set (a value is null where the option was not given). */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put(ExfilguardConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        flags.put(ExfilguardConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        return flags;
    }
}
