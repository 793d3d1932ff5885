package org.exfilguard.cli;

import java.time.Duration;
import java.time.Instant;

/** Rate control for feeding events: as fast as possible, a multiple of real time, or at most N events a second. */
public interface Pacer {

    /** Blocks until the {@code count}-th event (0-based), with time {@code eventTime}, may be sent. */
    void await(Instant eventTime, long count) throws InterruptedException;

    static Pacer unlimited() {
        return (eventTime, count) -> {};
    }

    /** {@code factor} times real time: event-time gaps shrink by that factor (60 = an hour of logs a minute). */
    static Pacer speed(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("speed must be above 0");
        }
        return new Pacer() {
            private Instant firstEvent;
            private long startNanos;

            @Override
            public void await(Instant eventTime, long count) throws InterruptedException {
                if (firstEvent == null) {
                    firstEvent = eventTime;
                    startNanos = System.nanoTime();
                    return;
                }
                double offsetNanos = Duration.between(firstEvent, eventTime).toNanos() / factor;
                sleepUntil(startNanos + (long) offsetNanos);
            }
        };
    }

    /** At most {@code perSecond} events a second on average since the first. */
    static Pacer maxRate(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("max rate must be above 0");
        }
        return new Pacer() {
            private long startNanos = -1;

            @Override
            public void await(Instant eventTime, long count) throws InterruptedException {
                if (startNanos < 0) {
                    startNanos = System.nanoTime();
                }
                sleepUntil(startNanos + (long) (count * 1e9 / perSecond));
            }
        };
    }

    private static void sleepUntil(long targetNanos) throws InterruptedException {
        long ahead = targetNanos - System.nanoTime();
        // Sleeping for less than a couple of milliseconds costs more than it paces; the next event catches up.
        if (ahead > 2_000_000L) {
            Thread.sleep(ahead / 1_000_000L, (int) (ahead % 1_000_000L));
        }
    }
}
