package org.exfilguard.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.exfilguard.config.ExfilguardConfig;
import picocli.CommandLine.Option;

/**
 * Which detector instance: its application id and state directory. {@code run} and {@code reset} share these options,
 * so that reset names an instance exactly as run does.
 */
final class InstanceOptions {

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            description = "Kafka Streams application id (default exfilguard).")
    String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "RocksDB state directory of the detector.")
    String stateDir;

    /** The configuration keys these options set (a value is null where the option was not given). */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put(ExfilguardConfig.APPLICATION_ID, applicationId);
        flags.put(ExfilguardConfig.STATE_DIR, stateDir);
        return flags;
    }
}
