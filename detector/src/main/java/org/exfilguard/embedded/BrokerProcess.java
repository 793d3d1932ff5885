package org.exfilguard.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A KRaft broker in its own JVM ({@link EmbeddedKafkaMain}) on this JVM's class path, so the code under measurement
 * or test does not share a heap, GC or JIT with it and can outlive a broker crash. The port and data directory stay
 * the same across {@link #restart()}, where clients expect the broker. Kafka's logs go to {@link #log()}; the broker
 * stops when this JVM exits (its stdin closes), whatever happened.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final String READY = "READY ";

    private final Path dataDir;
    private final Path logDir;
    private final int port;
    private final String heap;
    private final Duration startTimeout;
    private Process process;
    private int starts;

    private BrokerProcess(Path dataDir, Path logDir, int port, String heap, Duration startTimeout) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.port = port;
        this.heap = heap;
        this.startTimeout = startTimeout;
    }

    /**
     * Starts a broker and waits until it answers.
     *
     * @param dataDir the broker's log directories (formatted on first start)
     * @param logDir  where Kafka's log ({@code broker.log}) and the JVM's console output go
     * @param heap    -Xmx of the broker JVM, e.g. {@code 512m}
     */
    public static BrokerProcess start(Path dataDir, Path logDir, String heap, Duration startTimeout)
            throws InterruptedException {
        BrokerProcess broker = new BrokerProcess(dataDir, logDir, EmbeddedKafka.freePort(), heap, startTimeout);
        broker.launch();
        return broker;
    }

    /** Starts the broker again on the same port and data directory after {@link #stop} or {@link #kill}. */
    public void restart() throws InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("broker already running");
        }
        launch();
    }

    private void launch() throws InterruptedException {
        Path out;
        try {
            Files.createDirectories(logDir);
            out = logDir.resolve("broker-" + (++starts) + ".out");
            Files.deleteIfExists(out);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + heap);
            command.add("-Dlogback.configurationFile=logback-quiet.xml");
            command.add("-Dexfilguard.log.file=" + log());
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(EmbeddedKafkaMain.class.getName());
            command.addAll(List.of("--port", Integer.toString(port), "--dir", dataDir.toString()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the broker JVM", e);
        }
        awaitReady(out);
    }

    private void awaitReady(Path out) throws InterruptedException {
        Instant deadline = Instant.now().plus(startTimeout);
        while (Instant.now().isBefore(deadline)) {
            if (read(out).lines().anyMatch(line -> line.startsWith(READY))) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the broker JVM exited with " + process.exitValue() + " before it was ready; see " + out);
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the broker JVM was not ready within " + startTimeout + "; see " + out);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Kafka's log, appended to across restarts. */
    public Path log() {
        return logDir.resolve("broker.log");
    }

    /** SIGKILL: the broker vanishes without a clean shutdown; waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker JVM survived SIGKILL for 30 s");
        }
    }

    /** Stops the broker as an operator would (SIGTERM, a controlled shutdown), killing it if it takes longer than {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                stop(Duration.ofSeconds(30));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
