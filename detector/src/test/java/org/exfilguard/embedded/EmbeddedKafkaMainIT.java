package org.exfilguard.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaMainIT {

    @Test
    void brokerProcessSurvivesKillAndRestartOnSameDirectory(@TempDir Path dir) throws Exception {
        int port = EmbeddedKafka.freePort();
        Path data = dir.resolve("broker");

        Process first = launch(port, data);
        try {
            String bootstrap = awaitReady(first);
            assertThat(bootstrap).isEqualTo("127.0.0.1:" + port);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("survivor", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            EmbeddedKafkaIT.produceTransactionally(bootstrap, Map.of(), "survivor", 50);
        } finally {
            // SIGKILL: no clean shutdown, the way a crash looks to the broker's logs.
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }

        Process second = launch(port, data);
        try {
            String bootstrap = awaitReady(second);
            assertThat(EmbeddedKafkaIT.consume(bootstrap, Map.of(), "survivor", 50))
                    .hasSize(50);
        } finally {
            // Closing stdin is the polite stop signal: the broker shuts down and the process exits.
            second.getOutputStream().close();
            boolean exited = second.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                second.destroyForcibly();
            }
            assertThat(exited).as("broker process exits when stdin closes").isTrue();
            assertThat(second.exitValue()).isZero();
        }
    }

    private static Process launch(int port, Path data) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(
                        java.toString(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbeddedKafkaMain.class.getName(),
                        "--port",
                        Integer.toString(port),
                        "--dir",
                        data.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static String awaitReady(Process process) throws Exception {
        BufferedReader stdout =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                    if (line.startsWith("READY ")) {
                        return line.substring("READY ".length()).strip();
                    }
                }
                throw new IllegalStateException("broker process ended before READY, exit " + process.waitFor());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Instant started = Instant.now();
        String bootstrap = ready.get(90, TimeUnit.SECONDS);
        System.out.printf(
                "Broker process ready in %d ms%n",
                Duration.between(started, Instant.now()).toMillis());
        return bootstrap;
    }
}
