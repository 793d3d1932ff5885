package org.exfilguard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.exfilguard.embedded.EmbeddedKafkaMain;

/**
 * A Kafka broker in its own JVM ({@link EmbeddedKafkaMain}), so the application under measurement does not share a
 * heap, GC or JIT with it. Its output goes to a log file; its CPU time is read from {@code /proc}.
 */
final class BrokerProcess implements AutoCloseable {

    private final Process process;
    private final String bootstrapServers;
    private final Path log;
    private final Thread shutdownHook;

    private BrokerProcess(Process process, String bootstrapServers, Path log, Thread shutdownHook) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.log = log;
        this.shutdownHook = shutdownHook;
    }

    static BrokerProcess start(Path dir, String heap, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path log = dir.resolve("broker.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-Dlogback.configurationFile=logback-quiet.xml");
        command.add("-Dexfilguard.log.file=" + log);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EmbeddedKafkaMain.class.getName());
        command.addAll(List.of("--port", "0", "--dir", dir.resolve("data").toString(), "--ignore-stdin"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread hook = new Thread(process::destroy, "bench-broker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> pump(process, dir.resolve("broker.out"), ready), "bench-broker-out");
        reader.setDaemon(true);
        reader.start();
        try {
            String bootstrap = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new BrokerProcess(process, bootstrap, log, hook);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker JVM did not print READY within " + timeout + "; see " + dir, e);
        }
    }

    private static void pump(Process process, Path out, CompletableFuture<String> ready) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
            String line;
            while ((line = reader.readLine()) != null) {
                writer.println(line);
                writer.flush();
                if (line.startsWith("READY ")) {
                    ready.complete(line.substring("READY ".length()).trim());
                }
            }
            ready.completeExceptionally(new IllegalStateException("broker exited with " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            ready.completeExceptionally(e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the broker JVM has used so far. */
    Duration cpu() {
        return ProcessStats.cpuOf(process.pid());
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting: the hook runs anyway and finds the broker gone.
        }
    }
}
