package org.exfilguard.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs an {@link EmbeddedKafka} broker as its own process, for tests that kill and restart the broker.
 *
 * <p>Prints {@code READY <bootstrap>} on stdout once the broker answers, then runs until SIGTERM or until stdin
 * closes (so the broker dies with the test that started it), unless {@code --ignore-stdin} is given.
 */
@Command(
        name = "embedded-kafka",
        mixinStandardHelpOptions = true,
        description = "Runs a single-node KRaft broker on 127.0.0.1.")
public final class EmbeddedKafkaMain implements Callable<Integer> {

    @Option(names = "--port", required = true, description = "Plaintext listener port (0 = any free port).")
    int port;

    @Option(names = "--controller-port", defaultValue = "0", description = "Controller listener port (0 = any).")
    int controllerPort;

    @Option(names = "--dir", required = true, description = "Data directory, kept and reused across restarts.")
    Path dir;

    @Option(names = "--ignore-stdin", description = "Run until SIGTERM even when stdin is closed.")
    boolean ignoreStdin;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EmbeddedKafkaMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.builder()
                .port(port)
                .controllerPort(controllerPort)
                .dataDir(dir)
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.close();
                            stopped.countDown();
                        },
                        "embedded-kafka-stop"));
        kafka.start();
        System.out.println("READY " + kafka.bootstrapServers());
        System.out.flush();
        if (ignoreStdin) {
            stopped.await();
        } else {
            drain(System.in);
        }
        return 0;
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Input carries no commands; only its end matters.
            }
        } catch (IOException e) {
            // A broken stdin means the parent is gone: stop as if it had closed.
        }
    }
}
