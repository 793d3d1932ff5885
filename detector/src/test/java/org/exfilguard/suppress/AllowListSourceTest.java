package org.exfilguard.suppress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowListSourceTest {

    private static final String ONE_RULE = "rules:\n  - {id: first, account: u1, reason: r, owner: o}\n";
    private static final String TWO_RULES = ONE_RULE + "  - {id: second, account: u2, reason: r, owner: o}\n";

    @TempDir
    Path dir;

    private final MutableClock wall = new MutableClock(Instant.parse("2026-01-05T00:00:00Z"));

    @Test
    void reloadsAnEditedFileAfterTheCheckInterval() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE);
        AllowListSource source = AllowListSource.watch(file, Duration.ofSeconds(5), wall, Runnable::run);
        assertThat(ids(source)).containsExactly("first");

        write(file, TWO_RULES);
        wall.advance(Duration.ofSeconds(4));
        assertThat(ids(source)).as("not checked before the interval").containsExactly("first");
        wall.advance(Duration.ofSeconds(1));
        assertThat(ids(source)).as("seen, but not yet known to be complete").containsExactly("first");
        wall.advance(Duration.ofSeconds(5));
        assertThat(ids(source)).containsExactly("first", "second");
        assertThat(source.reloads()).isEqualTo(1);
        assertThat(source.failedReloads()).isZero();

        wall.advance(Duration.ofSeconds(5));
        source.current();
        assertThat(source.reloads()).as("an unchanged file is not parsed again").isEqualTo(1);
    }

    @Test
    void keepsThePreviousListOnABrokenEditAndReportsItOnce() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE);
        AllowListSource source = AllowListSource.watch(file, Duration.ofSeconds(1), wall, Runnable::run);

        write(file, ONE_RULE + "  - {id: typo, acount: u2, reason: r, owner: o}\n");
        settle(source);
        assertThat(ids(source)).containsExactly("first");
        assertThat(source.failedReloads()).isEqualTo(1);
        assertThat(source.lastError())
                .hasValueSatisfying(e -> assertThat(e)
                        .contains(file.toString())
                        .contains("rule #2 (id 'typo')")
                        .contains("unknown field 'acount'"));

        wall.advance(Duration.ofSeconds(3));
        source.current();
        assertThat(source.failedReloads())
                .as("the same broken version counts once")
                .isEqualTo(1);

        write(file, TWO_RULES);
        settle(source);
        assertThat(ids(source)).containsExactly("first", "second");
        assertThat(source.reloads()).isEqualTo(1);
        assertThat(source.lastError()).isEmpty();
    }

    @Test
    void keepsTheListWhenTheFileIsDeleted() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE);
        AllowListSource source = AllowListSource.watch(file, Duration.ZERO, wall, Runnable::run);
        Files.delete(file);
        for (int check = 0; check < 4; check++) {
            assertThat(ids(source)).containsExactly("first");
        }
        assertThat(source.failedReloads()).isEqualTo(1);
        assertThat(source.lastError()).hasValueSatisfying(e -> assertThat(e).contains("no such file"));

        write(file, "rules: []\n");
        source.current();
        assertThat(source.current().isEmpty()).isTrue();
        assertThat(source.reloads()).isEqualTo(1);
    }

    @Test
    void neverUsesAFileCaughtHalfWritten() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), TWO_RULES);
        AllowListSource source = AllowListSource.watch(file, Duration.ofSeconds(2), wall, Runnable::run);
        // An in-place rewrite caught between truncation and the new text: an empty file is valid YAML.
        write(file, "");
        wall.advance(Duration.ofSeconds(2));
        assertThat(ids(source)).containsExactly("first", "second");
        write(file, TWO_RULES + "  - {id: third, account: u3, reason: r, owner: o}\n");
        wall.advance(Duration.ofSeconds(2));
        assertThat(ids(source)).as("the empty version did not stay").containsExactly("first", "second");
        wall.advance(Duration.ofSeconds(2));
        assertThat(ids(source)).containsExactly("first", "second", "third");
        assertThat(source.reloads()).isEqualTo(1);
        assertThat(source.failedReloads()).isZero();
    }

    @Test
    void noticesAnEditByTheWallClock() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE);
        AllowListSource source = AllowListSource.watch(file, Duration.ofMillis(20));
        write(file, TWO_RULES);
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (source.current().size() != 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ids(source)).containsExactly("first", "second");
    }

    @Test
    void readersOnManyThreadsSeeOnlyWholeLists() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE);
        AllowListSource source = AllowListSource.watch(file, Duration.ZERO, wall, Runnable::run);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        assertThat(source.current().size()).isIn(1, 2);
                    }
                }));
            }
            for (int edit = 0; edit < 20; edit++) {
                replaceAtomically(file, edit % 2 == 0 ? TWO_RULES : ONE_RULE);
            }
            for (Future<?> reader : readers) {
                reader.get();
            }
        } finally {
            pool.shutdownNow();
        }
        source.checkNow();
        source.checkNow();
        assertThat(ids(source)).containsExactly("first");
        assertThat(source.failedReloads()).isZero();
    }

    @Test
    void refusesAFileOverOneMebibyteAndKeepsThePreviousRules() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE);
        AllowListSource source = AllowListSource.watch(file, Duration.ofSeconds(1), wall, Runnable::run);
        // A rule and a long comment: what made the YAML parser run for minutes.
        write(file, TWO_RULES + "# " + "x".repeat(AllowList.MAX_FILE_BYTES) + "\n");
        String size = String.format(java.util.Locale.ROOT, "%,d bytes", Files.size(file));
        settle(source);
        assertThat(ids(source)).containsExactly("first");
        assertThat(source.failedReloads()).isEqualTo(1);
        assertThat(source.lastError())
                .hasValueSatisfying(e -> assertThat(e)
                        .contains(file.toString())
                        .contains(size)
                        .contains("limit of 1048576 bytes (1 MiB)")
                        .doesNotContain("\n"));

        write(file, TWO_RULES);
        settle(source);
        assertThat(ids(source)).containsExactly("first", "second");
    }

    @Test
    void refusesAFileOverOneMebibyteAtStart() throws IOException {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE + "#".repeat(AllowList.MAX_FILE_BYTES));
        long started = System.nanoTime();
        assertThatThrownBy(() -> AllowListSource.watch(file, Duration.ofSeconds(5)))
                .isInstanceOf(AllowListException.class)
                .hasMessageContaining(file + ": 1,048,")
                .hasMessageContaining("1 MiB");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aReaderNeverReadsOrParsesTheFileItself() throws Exception {
        Path file = write(dir.resolve("allow.yaml"), ONE_RULE);
        ExecutorService reloadThread = Executors.newSingleThreadExecutor();
        CountDownLatch busy = new CountDownLatch(1);
        try {
            reloadThread.execute(() -> {
                try {
                    busy.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AllowListSource source = AllowListSource.watch(file, Duration.ofSeconds(1), wall, reloadThread);
            write(file, TWO_RULES);
            // Two due checks a full interval apart would load the edit; the reader hands them off and goes on.
            long started = System.nanoTime();
            for (int check = 0; check < 4; check++) {
                wall.advance(Duration.ofSeconds(1));
                assertThat(ids(source))
                        .as("the list in force while the reload thread is busy")
                        .containsExactly("first");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(source.reloads()).isZero();

            busy.countDown();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (source.current().size() != 2 && System.nanoTime() < deadline) {
                wall.advance(Duration.ofSeconds(1));
                Thread.sleep(10);
            }
            assertThat(ids(source)).containsExactly("first", "second");
        } finally {
            busy.countDown();
            reloadThread.shutdownNow();
        }
    }

    @Test
    void refusesAMissingOrBrokenFileAtStart() throws IOException {
        assertThatThrownBy(() -> AllowListSource.watch(dir.resolve("nope.yaml"), Duration.ofSeconds(5)))
                .isInstanceOf(AllowListException.class)
                .hasMessageContaining("no such file");
        Path broken = write(dir.resolve("broken.yaml"), "rules:\n  - {id: x, reason: r, owner: o}\n");
        assertThatThrownBy(() -> AllowListSource.watch(broken, Duration.ofSeconds(5)))
                .hasMessageContaining("would suppress every alert");
    }

    @Test
    void noneHasNoRulesAndNothingToReload() {
        AllowListSource source = AllowListSource.none();
        assertThat(source.current().isEmpty()).isTrue();
        assertThat(source.checkNow()).isFalse();
        assertThat(source.file()).isEmpty();
    }

    // Two checks a full interval apart: the first sees the new version, the second uses it.
    private void settle(AllowListSource source) {
        for (int check = 0; check < 2; check++) {
            wall.advance(Duration.ofSeconds(1));
            source.current();
        }
    }

    // How a careful editor or a Kubernetes ConfigMap update replaces a file: write aside, then rename over it.
    private static void replaceAtomically(Path file, String text) throws IOException {
        Path aside = write(file.resolveSibling(file.getFileName() + ".tmp"), text);
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> ids(AllowListSource source) {
        return source.current().rules().stream().map(AllowRule::id).toList();
    }

    // Each write gets a later modification time, so that an edit within the file system's timestamp granularity
    // is still seen as a new version.
    private static Path write(Path file, String text) throws IOException {
        FileTime previous = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
        Files.writeString(file, text);
        Instant next = previous.toInstant().plusSeconds(1);
        if (Files.getLastModifiedTime(file).toInstant().isBefore(next)) {
            Files.setLastModifiedTime(file, FileTime.from(next));
        }
        return file;
    }

    /** A wall clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
