package org.exfilguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exfilguard.cli.DetectorBenchApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out: the detector run as two instances with one application id (a real broker in its own JVM) splits the
 * partitions and publishes exactly the alerts one instance publishes: same ids, same count, no duplicates.
 */
class ScaleOutIT {

    @Test
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void twoInstancesPublishExactlyTheAlertsOfOne(@TempDir Path work) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        BenchOptions options = new BenchOptions(
                60_000,
                4_000,
                42,
                4,
                work,
                Duration.ofMinutes(4),
                "512m",
                BenchWorkload.Mix.UNIFORM,
                DetectorBenchApp::new);
        int exit;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            exit = new ScaleBench(options, out).run();
        }
        String report = captured.toString(StandardCharsets.UTF_8);
        System.out.println(report);

        Matcher alerts = Pattern.compile(
                        "alerts: one instance ([\\d,]+) records \\(([\\d,]+) ids\\), two instances ([\\d,]+) records")
                .matcher(report);
        assertThat(alerts.find()).as("alert summary in:%n%s", report).isTrue();
        long one = Long.parseLong(alerts.group(1).replace(",", ""));
        long two = Long.parseLong(alerts.group(3).replace(",", ""));
        assertThat(one)
                .as("the workload raises alerts, so the comparison means something")
                .isGreaterThan(0);
        assertThat(two).isEqualTo(one);
        assertThat(report).contains("-> IDENTICAL").contains("-> both worked");
        assertThat(exit).isZero();
    }
}
