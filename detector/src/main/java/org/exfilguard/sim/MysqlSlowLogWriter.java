package org.exfilguard.sim;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.SplittableRandom;
import org.exfilguard.schema.DbAccessEvent;

/**
 * Writes database events as a MySQL slow query log (the format of {@code log_output=FILE} with
 * {@code long_query_time=0}), the way mysqld 8.0 does, so the mysql-slow parser reads them back.
 */
public final class MysqlSlowLogWriter implements Closeable {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final Writer out;
    private final LiteralFiller filler;
    private final SplittableRandom timing;
    private String currentDb;

    public MysqlSlowLogWriter(Writer out, long seed) throws IOException {
        this.out = out;
        this.filler = new LiteralFiller(Seeds.mix(seed, 0x51011L));
        this.timing = new SplittableRandom(Seeds.mix(seed, 0x7131L));
        out.write("/usr/sbin/mysqld, Version: 8.0.36 (MySQL Community Server - GPL). started with:\n");
        out.write("Tcp port: 3306  Unix socket: /var/run/mysqld/mysqld.sock\n");
        out.write("Time                 Id Command    Argument\n");
    }

    public void write(DbAccessEvent e) throws IOException {
        long examined = e.getRowsExamined() == null ? e.getRowsReturned() : e.getRowsExamined();
        double queryTime = 0.0002 + examined * 4e-7 + e.getRowsReturned() * 6e-7 + timing.nextDouble() * 0.001;
        double lockTime = 0.000005 + timing.nextDouble() * 0.00005;
        String host = e.getClientHost() == null ? "" : e.getClientHost();
        String ip = e.getClientIp() == null ? "" : e.getClientIp();
        StringBuilder b = new StringBuilder(256);
        b.append("# Time: ")
                .append(TIME.format(e.getEventTime().truncatedTo(ChronoUnit.MICROS)))
                .append('\n');
        b.append("# User@Host: ")
                .append(e.getAccount())
                .append('[')
                .append(e.getAccount())
                .append("] @ ")
                .append(host)
                .append(" [")
                .append(ip)
                .append("]  Id: ")
                .append(String.format(Locale.ROOT, "%5s", e.getSessionId() == null ? "0" : e.getSessionId()))
                .append('\n');
        b.append("# Query_time: ")
                .append(sixDecimals(queryTime))
                .append("  Lock_time: ")
                .append(sixDecimals(lockTime))
                .append(" Rows_sent: ")
                .append(e.getRowsReturned())
                .append("  Rows_examined: ")
                .append(examined)
                .append('\n');
        // mysqld writes "use" only when the database differs from the last one it wrote to this log.
        if (e.getDatabase() != null && !e.getDatabase().equals(currentDb)) {
            b.append("use ").append(e.getDatabase()).append(";\n");
            currentDb = e.getDatabase();
        }
        b.append("SET timestamp=").append(e.getEventTime().getEpochSecond()).append(";\n");
        b.append(filler.fill(e)).append(";\n");
        out.write(b.toString());
    }

    /** Seconds with microsecond precision, as mysqld prints them; String.format is needlessly slow here. */
    static String sixDecimals(double seconds) {
        long micros = Math.round(seconds * 1e6);
        String frac = Long.toString(micros % 1_000_000);
        return micros / 1_000_000 + "." + "000000".substring(frac.length()) + frac;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
