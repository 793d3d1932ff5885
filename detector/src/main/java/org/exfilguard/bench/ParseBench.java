package org.exfilguard.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.exfilguard.ingest.LogFormat;
import org.exfilguard.ingest.LogParser;
import org.exfilguard.ingest.ParseResult;
import org.exfilguard.ingest.ParserOptions;

/**
 * A throughput check, not a test: generates slow-log entries and Zeek conn lines in memory and prints how many each
 * parser takes per second ({@code bench parse}). Entries cycle through a pool of statement shapes with varying literals, as real logs do, so the table cache works
 * as it would in production while fingerprinting still runs on every entry.
 */
public final class ParseBench {

    private static final String[] SHAPES = {
        "SELECT * FROM members WHERE id = %d",
        "SELECT m.email, c.pan FROM coop.members m JOIN coop.cards c ON c.member_id = m.id WHERE m.id IN (%d, %d, 7)",
        "UPDATE orders SET status = 'shipped', note = 'n%d' WHERE id = %d",
        "INSERT INTO audit_trail (a, b, c) VALUES (%d, 'x%d', NOW())",
        "SELECT COUNT(*) FROM members WHERE joined > '2025-01-%02d' AND region = %d",
        "SELECT o.id FROM orders o WHERE o.member_id = (SELECT id FROM members WHERE email = 'user%d@example.com') LIMIT %d",
    };

    private final int entries;
    private final int rounds;
    private final PrintStream out;

    public ParseBench(int entries, int rounds, PrintStream out) {
        this.entries = entries;
        this.rounds = rounds;
        this.out = out;
    }

    public int run() {
        for (int round = 1; round <= rounds; round++) {
            // Round 1 warms the JIT; later rounds are the numbers to read.
            out.printf(Locale.ROOT, "round %d%n", round);
            bench("mysql-slow", slowLog(entries), LogFormat.MYSQL_SLOW);
            bench("zeek-conn", zeek(entries), LogFormat.ZEEK_CONN);
        }
        return 0;
    }

    private interface Lines {
        void feed(LogParser p, Consumer<ParseResult> out);
    }

    private void bench(String name, Lines lines, LogFormat format) {
        int n = entries;
        LogParser parser = format.newParser("bench", ParserOptions.defaults());
        long[] counts = new long[2];
        Consumer<ParseResult> count = r -> counts[r instanceof ParseResult.Event ? 0 : 1]++;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        lines.feed(parser, count);
        parser.finish(count);
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        Duration cpu = Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuStart);
        // Thread CPU time as well as wall time: on a shared 2-core machine other processes steal the wall clock.
        out.printf(
                Locale.ROOT,
                "  %-10s %,d events (%d other): wall %.2f s = %,.0f entries/s; thread cpu %.2f s = %,.0f entries/s%n",
                name,
                counts[0],
                counts[1],
                wall.toNanos() / 1e9,
                counts[0] / (wall.toNanos() / 1e9),
                cpu.toNanos() / 1e9,
                counts[0] / (cpu.toNanos() / 1e9));
        if (counts[0] != n) {
            throw new IllegalStateException(name + ": expected " + n + " events, got " + counts[0]);
        }
    }

    /** Lines are built as the parser asks for them, from a small pre-built pool, so memory stays flat. */
    private static Lines slowLog(int n) {
        int pool = 4096;
        String[][] entries = new String[pool][];
        Random rnd = new Random(42);
        for (int i = 0; i < pool; i++) {
            String shape = SHAPES[i % SHAPES.length];
            String stmt = String.format(Locale.ROOT, shape, rnd.nextInt(1_000_000), rnd.nextInt(28) + 1) + ";";
            entries[i] = new String[] {
                String.format(Locale.ROOT, "# Time: 2025-05-02T03:%02d:%02d.%06dZ", (i / 60) % 60, i % 60, i),
                String.format(
                        Locale.ROOT,
                        "# User@Host: app%d[app%d] @ web%d [10.0.%d.%d]  Id: %d",
                        i % 7,
                        i % 7,
                        i % 5,
                        i % 3,
                        i % 250,
                        i),
                String.format(
                        Locale.ROOT,
                        "# Query_time: 0.%06d  Lock_time: 0.000010 Rows_sent: %d  Rows_examined: %d",
                        i,
                        i % 500,
                        i),
                i % 50 == 0 ? "use coop;" : "SET timestamp=" + (1746155647 + i) + ";",
                stmt,
            };
        }
        return (p, out) -> {
            for (int i = 0; i < n; i++) {
                for (String line : entries[i % pool]) {
                    p.accept(line, out);
                }
            }
        };
    }

    private static Lines zeek(int n) {
        int pool = 4096;
        String[] lines = new String[pool];
        Random rnd = new Random(7);
        for (int i = 0; i < pool; i++) {
            lines[i] = String.format(
                    Locale.ROOT,
                    "%d.%06d\tC%08x\t10.0.%d.%d\t%d\t%d.%d.%d.%d\t%d\ttcp\tssl\t%.6f\t%d\t%d\tSF\t-\t-\t0\tShADadfF\t%d\t%d\t%d\t%d\t(empty)",
                    1746155647 + i,
                    rnd.nextInt(1_000_000),
                    i,
                    i % 4,
                    i % 250,
                    40000 + i % 20000,
                    rnd.nextInt(223) + 1,
                    rnd.nextInt(256),
                    rnd.nextInt(256),
                    rnd.nextInt(256),
                    i % 2 == 0 ? 443 : 80,
                    rnd.nextDouble(),
                    rnd.nextInt(10_000_000),
                    rnd.nextInt(100_000),
                    6,
                    900,
                    7,
                    600);
        }
        return (p, out) -> {
            p.accept("#separator \\x09", out);
            p.accept(
                    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes"
                            + "\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents",
                    out);
            for (int i = 0; i < n; i++) {
                p.accept(lines[i % pool], out);
            }
        };
    }
}
