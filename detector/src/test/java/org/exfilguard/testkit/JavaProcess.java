package org.exfilguard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM on the test's own class path (-Xmx512m), its stdout and stderr captured in files so that a test can
 * wait for a line and grep them afterwards. Killed when the test JVM exits, whatever happened.
 */
public final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Thread reaper;

    private JavaProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        // A safety net only: tests kill their children in finally blocks.
        this.reaper = new Thread(process::destroyForcibly, "reap-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts {@code mainClass args} in a new JVM; {@code env} is added to this JVM's environment. */
    public static JavaProcess start(
            String name,
            Path logDir,
            String mainClass,
            List<String> args,
            Map<String, String> env,
            List<String> jvmOptions) {
        try {
            Files.createDirectories(logDir);
            Path out = Files.createTempFile(logDir, name + "-", ".out");
            Path err = Files.createTempFile(logDir, name + "-", ".err");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx512m");
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(args);
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            return new JavaProcess(name, builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Waits for a stdout line that matches, failing early if the process ends first. */
    public String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<String> line = stdoutLines().stream().filter(matches).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before the awaited line; stderr:\n" + tail(stderr));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                name + " printed no awaited line within " + timeout + "; stdout:\n" + tail(stdout));
    }

    public List<String> stdoutLines() {
        return lines(stdout);
    }

    /** Everything the process printed on stdout and stderr. */
    public String output() {
        return read(stdout) + read(stderr);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    /** SIGKILL, as a crash or an OOM killer delivers it; waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within the grace period. Returns the exit code. */
    public int stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs anyway.
        }
    }

    private static List<String> lines(Path file) {
        return read(file).lines().toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path file) {
        String text = read(file);
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    @Override
    public String toString() {
        return name;
    }
}
