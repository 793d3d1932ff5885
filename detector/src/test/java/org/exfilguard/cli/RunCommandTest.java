package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void aDeadBrokerIsOneLineNamingItAndTheRestartExitCode() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new RunCommand(new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(
                        "--bootstrap-servers",
                        "127.0.0.1:" + port,
                        "--schema-registry-url",
                        "http://127.0.0.1:" + port,
                        "--sensitive-tables",
                        "coop.members",
                        "--state-dir",
                        dir.toString(),
                        "--set",
                        "metrics.port=-1",
                        "--set",
                        "default.api.timeout.ms=1500",
                        "--set",
                        "request.timeout.ms=1000");

        String message = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(message).isEqualTo(RunCommand.EXIT_RESTART);
        assertThat(message)
                .startsWith("exfilguard: cannot reach the Kafka cluster at 127.0.0.1:" + port)
                .contains("exiting with code " + RunCommand.EXIT_RESTART)
                .doesNotContain("\tat ");
        assertThat(message.strip().lines()).hasSize(1);
    }
}
