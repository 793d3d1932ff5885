package org.exfilguard.suppress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allow-list in force, reloaded from its file without a restart. {@link #current()} looks at the file's
 * modification time, size and identity at most once per check interval of wall time (wall time only decides when
 * to notice an edit; matching uses event time). A changed version is parsed once it has stayed the same for a
 * check interval, so an edit is in force one to two intervals after it is saved and a half-written file is never
 * used. A version that does not parse, or a deleted file, is logged and counted once and the previous list stays
 * in force.
 *
 * <p>Reading and parsing happen on a reload thread of the source's own, never on the caller of {@link #current()}:
 * a stream thread only reads a volatile reference to an immutable {@link AllowList} and, when a check is due, hands
 * the check to the reload thread. A slow or huge file therefore delays the new rules, never the stream. Safe to
 * call from any number of stream threads: readers never block; one check runs at a time.
 */
public final class AllowListSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AllowListSource.class);

    private final Path file;
    private final Duration checkInterval;
    private final Clock wallClock;
    private final ReentrantLock checking = new ReentrantLock();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failedReloads = new AtomicLong();
    private final Executor reloader;
    private final Runnable stopReloader;
    private final AtomicBoolean checkQueued = new AtomicBoolean();

    private volatile AllowList current;
    private volatile Instant nextCheck;
    private volatile Stamp loadedStamp;
    private volatile Stamp failedStamp;
    private volatile String lastError;
    private Pending pending; // guarded by checking

    private AllowListSource(
            Path file,
            Duration checkInterval,
            Clock wallClock,
            AllowList initial,
            Stamp stamp,
            Executor reloader,
            Runnable stopReloader) {
        this.file = file;
        this.reloader = reloader;
        this.stopReloader = stopReloader;
        this.checkInterval = checkInterval;
        this.wallClock = wallClock;
        this.current = initial;
        this.loadedStamp = stamp;
        this.nextCheck = file == null ? Instant.MAX : wallClock.instant().plus(checkInterval);
    }

    /** No allow-list configured: no rules, nothing to reload. */
    public static AllowListSource none() {
        return new AllowListSource(
                null, Duration.ZERO, Clock.systemUTC(), AllowList.empty(), null, Runnable::run, () -> {});
    }

    /**
     * Loads {@code file} and keeps it fresh. The first load must succeed: a mistyped path or a broken file at start
     * is a configuration error, not a silent run without the intended rules. An empty file has no rules.
     */
    public static AllowListSource watch(Path file, Duration checkInterval) throws AllowListException {
        return watch(file, checkInterval, Clock.systemUTC());
    }

    /** As {@link #watch(Path, Duration)}, with the wall clock that paces the checks. */
    public static AllowListSource watch(Path file, Duration checkInterval, Clock wallClock) throws AllowListException {
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "exfilguard-allowlist-reload");
            t.setDaemon(true);
            return t;
        });
        try {
            return watch(file, checkInterval, wallClock, thread, thread::shutdownNow);
        } catch (AllowListException | RuntimeException e) {
            thread.shutdownNow();
            throw e;
        }
    }

    /** As {@link #watch(Path, Duration, Clock)}, with checks run by {@code reloader} (tests pass {@code Runnable::run}). */
    public static AllowListSource watch(Path file, Duration checkInterval, Clock wallClock, Executor reloader)
            throws AllowListException {
        return watch(file, checkInterval, wallClock, reloader, () -> {});
    }

    private static AllowListSource watch(
            Path file, Duration checkInterval, Clock wallClock, Executor reloader, Runnable stopReloader)
            throws AllowListException {
        Objects.requireNonNull(file, "file");
        if (checkInterval.isNegative()) {
            throw new IllegalArgumentException("check interval must not be negative: " + checkInterval);
        }
        Stamp stamp = Stamp.of(file).orElseThrow(() -> new AllowListException(file + ": no such file"));
        AllowList list = AllowList.load(file);
        LOG.info(
                "Loaded allow-list {}: {} rule(s) {}",
                file,
                list.size(),
                list.rules().stream().map(AllowRule::id).toList());
        warn(file, list, wallClock.instant());
        return new AllowListSource(file, checkInterval, wallClock, list, stamp, reloader, stopReloader);
    }

    private static void warn(Path file, AllowList list, Instant now) {
        list.warnings(now).forEach(warning -> LOG.warn("Allow-list {}: {}", file, warning));
    }

    /**
     * The list in force. When a check of the file is due it is handed to the reload thread, and this returns the
     * list in force at once: the caller (a stream thread) never reads or parses the file.
     */
    public AllowList current() {
        if (!wallClock.instant().isBefore(nextCheck) && checkQueued.compareAndSet(false, true)) {
            try {
                reloader.execute(() -> {
                    try {
                        checkNow();
                    } catch (RuntimeException e) {
                        LOG.error("Allow-list check of {} failed", file, e);
                    } finally {
                        checkQueued.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                checkQueued.set(false); // closed: the list in force stays
            }
        }
        return current;
    }

    /** Stops the reload thread; the list in force stays in force. */
    @Override
    public void close() {
        stopReloader.run();
    }

    /**
     * Checks the file now, whatever the interval. Returns true when a changed file was loaded. If another thread is
     * checking already this returns false at once rather than wait.
     */
    public boolean checkNow() {
        if (file == null || !checking.tryLock()) {
            return false;
        }
        try {
            Instant now = wallClock.instant();
            nextCheck = now.plus(checkInterval);
            Stamp stamp = Stamp.of(file).orElse(Stamp.ABSENT);
            if (stamp.equals(loadedStamp)) {
                // The version in force is back (a deleted file restored, say): nothing to report any more.
                pending = null;
                failedStamp = null;
                lastError = null;
                return false;
            }
            if (stamp.equals(failedStamp)) {
                return false;
            }
            // An editor that truncates and rewrites in place exposes a partial file for a moment, and a partial
            // file can parse (a rule cut short of its window is a wider rule). So a version is used only once it
            // has stayed the same from one check to a later one at least a check interval apart.
            if (pending == null || !pending.stamp().equals(stamp)) {
                pending = new Pending(stamp, now);
                return false;
            }
            if (Duration.between(pending.firstSeen(), now).compareTo(checkInterval) < 0) {
                return false;
            }
            pending = null;
            if (stamp == Stamp.ABSENT) {
                return fail(stamp, file + ": no such file (write an empty 'rules: []' to remove all rules)");
            }
            try {
                AllowList list = AllowList.load(file);
                current = list;
                loadedStamp = stamp;
                failedStamp = null;
                lastError = null;
                reloads.incrementAndGet();
                LOG.info(
                        "Reloaded allow-list {}: {} rule(s) {}",
                        file,
                        list.size(),
                        list.rules().stream().map(AllowRule::id).toList());
                warn(file, list, now);
                return true;
            } catch (AllowListException e) {
                return fail(stamp, e.getMessage());
            }
        } finally {
            checking.unlock();
        }
    }

    // A broken version is reported once, not at every check.
    private boolean fail(Stamp stamp, String message) {
        failedStamp = stamp;
        lastError = message;
        failedReloads.incrementAndGet();
        LOG.error("Allow-list not reloaded, keeping the previous {} rule(s): {}", current.size(), message);
        return false;
    }

    /** Successful reloads after the first load. */
    public long reloads() {
        return reloads.get();
    }

    /** Edits that could not be used (invalid, unreadable or deleted file). */
    public long failedReloads() {
        return failedReloads.get();
    }

    /** Why the file on disk is not the list in force, while that is so. */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    private record Pending(Stamp stamp, Instant firstSeen) {}

    /** What identifies one version of the file without reading it. */
    private record Stamp(Instant modified, long size, Object fileKey) {

        static final Stamp ABSENT = new Stamp(Instant.MIN, -1, null);

        static Optional<Stamp> of(Path file) {
            try {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                return Optional.of(new Stamp(attrs.lastModifiedTime().toInstant(), attrs.size(), attrs.fileKey()));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                // Not equal to any real version, so the load runs and reports the real error, once per message.
                return Optional.of(new Stamp(Instant.MIN, -2, String.valueOf(e.getMessage())));
            }
        }
    }
}
