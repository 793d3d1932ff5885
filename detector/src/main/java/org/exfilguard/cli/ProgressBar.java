package org.exfilguard.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A progress line on stderr, redrawn about twice a second: a bar, events done, rate, the event-time position and
 * an ETA. On a terminal it redraws in place; otherwise (a CI log, a pipe) it prints a line every few seconds.
 */
public final class ProgressBar implements AutoCloseable {

    /** Where a long job is: events done, the event time reached (null if none yet), fraction done (NaN if unknown). */
    public record Snapshot(long events, Instant eventTime, double fraction) {}

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int WIDTH = 24;

    private final String label;
    private final PrintStream err;
    private final Supplier<Snapshot> source;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean stopped;
    private int lastLength;

    private ProgressBar(String label, PrintStream err, Supplier<Snapshot> source, boolean interactive) {
        this.label = label;
        this.err = err;
        this.source = source;
        this.interactive = interactive;
        this.thread = new Thread(this::loop, "progress-" + label);
        this.thread.setDaemon(true);
    }

    /** Work drawn under a bar. */
    public interface Work<E extends Exception> {
        void run() throws E;
    }

    /** Runs {@code work} under a bar on {@code err}, closed (its last line printed) when the work ends. */
    public static <E extends Exception> void during(
            String label, PrintStream err, Supplier<Snapshot> source, Work<E> work) throws E {
        ProgressBar bar = start(label, err, source);
        try {
            work.run();
        } finally {
            bar.close();
        }
    }

    /** Starts redrawing; interactive when a console is attached. */
    public static ProgressBar start(String label, PrintStream err, Supplier<Snapshot> source) {
        return start(label, err, source, Terminals.interactive());
    }

    public static ProgressBar start(String label, PrintStream err, Supplier<Snapshot> source, boolean interactive) {
        ProgressBar bar = new ProgressBar(label, err, source, interactive);
        bar.thread.start();
        return bar;
    }

    private void loop() {
        long lastPrint = 0;
        while (!stopped) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            if (interactive || now - lastPrint >= 5_000_000_000L) {
                draw(false);
                lastPrint = now;
            }
        }
    }

    private synchronized void draw(boolean last) {
        String line = render(label, source.get(), Duration.ofNanos(System.nanoTime() - startNanos));
        if (interactive) {
            String pad = line.length() < lastLength ? " ".repeat(lastLength - line.length()) : "";
            err.print("\r" + line + pad + (last ? "\n" : ""));
            lastLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    static String render(String label, Snapshot s, Duration elapsed) {
        double seconds = Math.max(elapsed.toMillis() / 1000.0, 0.001);
        StringBuilder sb = new StringBuilder(label).append(' ');
        boolean known = !Double.isNaN(s.fraction());
        double f = known ? Math.max(0, Math.min(1, s.fraction())) : 0;
        if (known) {
            int filled = (int) Math.round(f * WIDTH);
            sb.append('[')
                    .append("#".repeat(filled))
                    .append("-".repeat(WIDTH - filled))
                    .append("] ")
                    .append(String.format(Locale.ROOT, "%3.0f%% ", f * 100));
        }
        sb.append(String.format(Locale.ROOT, "%,d events  %,.0f/s", s.events(), s.events() / seconds));
        if (s.eventTime() != null) {
            sb.append("  event time ").append(TIME.format(s.eventTime()));
        }
        sb.append("  elapsed ").append(clock(elapsed));
        if (known && f > 0.001 && f < 1) {
            sb.append("  ETA ").append(clock(Duration.ofMillis((long) (elapsed.toMillis() * (1 - f) / f))));
        }
        return sb.toString();
    }

    static String clock(Duration d) {
        long s = d.toSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Stops and draws the final state on its own line. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw(true);
    }
}
