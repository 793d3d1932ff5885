package org.exfilguard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * CPU time and resident memory of a process, from the JVM's management beans and Linux {@code /proc}. Peak RSS
 * (VmHWM) can be reset between runs by writing 5 to {@code clear_refs}, so each measured run reports its own peak.
 */
final class ProcessStats {

    /** Linux reports process times in clock ticks; 100 per second on every common kernel configuration. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessStats() {}

    /** CPU time (user + system, all threads) of this JVM. */
    static Duration selfCpu() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return Duration.ofNanos(os.getProcessCpuTime());
    }

    /** CPU time of another process, from {@code /proc/PID/stat}; zero when it cannot be read. */
    static Duration cpuOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /** Resets this process's peak RSS so the next {@link #peakRssBytes()} covers only what follows. */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static OptionalLong peakRssBytes() {
        return statusField("VmHWM:");
    }

    static OptionalLong rssBytes() {
        return statusField("VmRSS:");
    }

    private static OptionalLong statusField(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String kb = line.substring(name.length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** Heap in use after a full collection: the live heap, not garbage waiting to be collected. */
    static long liveHeapBytes() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long maxHeapBytes() {
        return Runtime.getRuntime().maxMemory();
    }
}
