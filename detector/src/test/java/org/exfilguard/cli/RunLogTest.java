package org.exfilguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {

    private static final Instant NOW = Instant.parse("2026-12-04T20:43:04Z");

    @TempDir
    Path dir;

    @Test
    void eachRunGetsItsOwnNewFileNamedByCommandTimeAndPid() throws Exception {
        Path first = RunLog.create(dir, "backtest", NOW, 4242);
        Path second = RunLog.create(dir, "backtest", NOW, 4242);

        assertThat(first.getFileName().toString()).isEqualTo("exfilguard-backtest-20261204T204304Z-4242.log");
        assertThat(second).isNotEqualTo(first);
        assertThat(RunLog.create(dir, "demo", NOW, 4243).getFileName().toString())
                .isEqualTo("exfilguard-demo-20261204T204304Z-4243.log");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aSymlinkPlantedAtTheNameIsNeitherFollowedNorTruncated() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
        Files.createSymbolicLink(dir.resolve("exfilguard-demo-20261204T204304Z-7.log"), victim);
        Files.writeString(dir.resolve("exfilguard-demo-20261204T204304Z-7-1.log"), "an older run's log");

        Path log = RunLog.create(dir, "demo", NOW, 7);

        assertThat(log.getFileName().toString()).isEqualTo("exfilguard-demo-20261204T204304Z-7-2.log");
        assertThat(Files.isSymbolicLink(log)).isFalse();
        assertThat(Files.readString(victim)).isEqualTo("precious");
        assertThat(Files.readString(dir.resolve("exfilguard-demo-20261204T204304Z-7-1.log")))
                .isEqualTo("an older run's log");
    }
}
