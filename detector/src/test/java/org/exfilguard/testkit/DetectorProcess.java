package org.exfilguard.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.exfilguard.Main;

/** {@code exfilguard run} in its own JVM, as an orchestrator would run it. */
public final class DetectorProcess {

    private DetectorProcess() {}

    /**
     * Starts {@code run --bootstrap-servers .. --schema-registry-url .. --state-dir .. --application-id ..} with
     * {@code --set key=value} for each setting; the metrics endpoint is off unless a setting turns it on.
     */
    public static JavaProcess run(
            Path logDir,
            String bootstrap,
            String registryUrl,
            Path stateDir,
            String applicationId,
            Map<String, String> settings) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--bootstrap-servers",
                bootstrap,
                "--schema-registry-url",
                registryUrl,
                "--state-dir",
                stateDir.toString(),
                "--application-id",
                applicationId));
        if (!settings.containsKey("metrics.port")) {
            args.addAll(List.of("--set", "metrics.port=-1"));
        }
        settings.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        return JavaProcess.start("detector-" + applicationId, logDir, Main.class.getName(), args, Map.of(), List.of());
    }

    /** Polls until the process is gone or the timeout passes; true if it exited. */
    public static boolean awaitExit(JavaProcess process, Duration timeout) throws InterruptedException {
        return process.process().waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}
