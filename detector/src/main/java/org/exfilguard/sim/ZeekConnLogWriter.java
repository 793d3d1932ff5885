package org.exfilguard.sim;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.exfilguard.ingest.ZeekConnColumns;
import org.exfilguard.schema.EgressEvent;

/** Writes egress events as a Zeek conn.log in its default tab-separated form, header and footer included. */
public final class ZeekConnLogWriter implements Closeable {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final String FIELDS = "#fields\t" + String.join("\t", ZeekConnColumns.DEFAULT);
    static final String TYPES = String.join(
            "\t",
            "#types",
            "time",
            "string",
            "addr",
            "port",
            "addr",
            "port",
            "enum",
            "string",
            "interval",
            "count",
            "count",
            "string",
            "bool",
            "bool",
            "count",
            "string",
            "count",
            "count",
            "count",
            "count",
            "set[string]");

    private final Writer out;
    private final SplittableRandom rng;
    private Instant last;

    public ZeekConnLogWriter(Writer out, Instant openedAt, long seed) throws IOException {
        this.out = out;
        this.rng = new SplittableRandom(Seeds.mix(seed, 0x2EE6L));
        this.last = openedAt;
        out.write("#separator \\x09\n");
        out.write("#set_separator\t,\n");
        out.write("#empty_field\t(empty)\n");
        out.write("#unset_field\t-\n");
        out.write("#path\tconn\n");
        out.write("#open\t" + STAMP.format(openedAt) + "\n");
        out.write(FIELDS + "\n");
        out.write(TYPES + "\n");
    }

    public void write(EgressEvent e) throws IOException {
        long outBytes = e.getBytesOut();
        long inBytes = e.getBytesIn();
        double duration = 0.02 + (outBytes + inBytes) / (5e6 + rng.nextDouble() * 20e6);
        long origPkts = 3 + outBytes / 1448;
        long respPkts = 2 + inBytes / 1448;
        String service = e.getDstPort() == null
                ? "-"
                : switch (e.getDstPort()) {
                    case 443 -> "ssl";
                    case 22 -> "ssh";
                    case 80 -> "http";
                    default -> "-";
                };
        Instant t = e.getEventTime();
        String line = String.join(
                "\t",
                t.getEpochSecond() + "."
                        + MysqlSlowLogWriter.sixDecimals(t.getNano() / 1e9).substring(2),
                uid(),
                e.getSrcIp(),
                Integer.toString(49152 + rng.nextInt(16384)),
                e.getDstIp(),
                e.getDstPort() == null ? "-" : e.getDstPort().toString(),
                e.getProtocol() == null ? "tcp" : e.getProtocol(),
                service,
                MysqlSlowLogWriter.sixDecimals(duration),
                Long.toString(outBytes),
                Long.toString(inBytes),
                "SF",
                "T",
                "F",
                "0",
                "ShADadFf",
                Long.toString(origPkts),
                Long.toString(outBytes + origPkts * 52),
                Long.toString(respPkts),
                Long.toString(inBytes + respPkts * 52),
                "-");
        out.write(line);
        out.write('\n');
        if (t.isAfter(last)) {
            last = t;
        }
    }

    private String uid() {
        StringBuilder b = new StringBuilder("C");
        for (int i = 0; i < 17; i++) {
            b.append(BASE62.charAt(rng.nextInt(62)));
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        out.write("#close\t" + STAMP.format(last) + "\n");
        out.close();
    }
}
