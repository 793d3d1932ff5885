package org.exfilguard.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Formats the benchmark tables: fixed-width for the console, Markdown for README. */
final class Report {

    private Report() {}

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / 1048576.0);
    }

    static String mib(java.util.OptionalLong bytes) {
        return bytes.isPresent() ? mib(bytes.getAsLong()) : "n/a";
    }

    static void runTable(PrintStream out, List<RunResult> runs) {
        out.printf(
                Locale.ROOT,
                "%-34s %11s %9s %11s %9s %10s %12s %12s%n",
                "run",
                "events",
                "wall s",
                "events/s",
                "app CPU",
                "µs CPU/ev",
                "broker CPU",
                "peak RSS");
        for (RunResult r : runs) {
            out.printf(
                    Locale.ROOT,
                    "%-34s %,11d %9.1f %,11.0f %8.2fc %10.1f %11.2fc %12s%n",
                    r.name(),
                    r.events(),
                    RunResult.seconds(r.wall()),
                    r.eventsPerSecond(),
                    r.appCores(),
                    r.cpuMicrosPerEvent(),
                    r.brokerCores(),
                    mib(r.peakRssBytes()));
        }
        out.println("(app CPU and broker CPU in cores kept busy on average; this machine has "
                + Runtime.getRuntime().availableProcessors() + ")");
    }

    static void markdownRuns(PrintStream out, List<RunResult> runs) {
        out.println("| run | events | events/s | app CPU (cores) | CPU per event | broker CPU (cores) | peak RSS |");
        out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (RunResult r : runs) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %,d | %,.0f | %.2f | %.1f µs | %.2f | %s |%n",
                    r.name(),
                    r.events(),
                    r.eventsPerSecond(),
                    r.appCores(),
                    r.cpuMicrosPerEvent(),
                    r.brokerCores(),
                    mib(r.peakRssBytes()));
        }
    }
}
