package org.exfilguard.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.exfilguard.embedded.EmbeddedKafkaMain;

/**
 * A real KRaft broker in its own JVM ({@link EmbeddedKafkaMain}) on a fixed port and data directory, so a test can
 * kill it and start it again where clients expect it.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path dataDir;
    private final Path logDir;
    private final int port;
    private JavaProcess process;

    private BrokerProcess(Path dataDir, Path logDir, int port) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.port = port;
    }

    public static BrokerProcess start(Path dataDir, Path logDir) throws InterruptedException {
        BrokerProcess broker = new BrokerProcess(dataDir, logDir, freePort());
        broker.start();
        return broker;
    }

    /** Starts (or restarts) the broker on the same port and data directory and waits until it answers. */
    public void start() throws InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("broker already running");
        }
        process = JavaProcess.start("broker", logDir, EmbeddedKafkaMain.class.getName(),
                List.of("--port", Integer.toString(port), "--dir", dataDir.toString()), Map.of(), List.of());
        process.awaitLine(line -> line.startsWith("READY "), Duration.ofSeconds(90));
    }

    /** SIGKILL: the broker vanishes without a clean shutdown. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** Stops the broker as an operator would (SIGTERM, a controlled shutdown), killing it if it takes over 60 s. */
    public void stop() throws InterruptedException {
        process.stop(java.time.Duration.ofSeconds(60));
    }

    /** An ephemeral port that was free a moment ago. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free port", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
