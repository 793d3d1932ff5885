package org.exfilguard.bench;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * One measured run: events consumed, wall time from start to all offsets committed, CPU of the application's
 * JVM and of the broker's JVM over that time, and the application's peak RSS.
 */
record RunResult(
        String name, long events, Duration wall, Duration appCpu, Duration brokerCpu, OptionalLong peakRssBytes) {

    double eventsPerSecond() {
        return events / seconds(wall);
    }

    /** Cores the application kept busy on average (2.0 is all of this machine). */
    double appCores() {
        return seconds(appCpu) / seconds(wall);
    }

    double brokerCores() {
        return seconds(brokerCpu) / seconds(wall);
    }

    /** Microseconds of application CPU per event: the cost that does not depend on how many cores there are. */
    double cpuMicrosPerEvent() {
        return appCpu.toNanos() / 1e3 / Math.max(events, 1);
    }

    static double seconds(Duration d) {
        return Math.max(d.toNanos() / 1e9, 1e-9);
    }
}
