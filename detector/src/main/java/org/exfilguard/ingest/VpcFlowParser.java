package org.exfilguard.ingest;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.exfilguard.schema.EgressEvent;

/**
 * AWS VPC flow logs: the default version-2 field order, or a custom order given by a header line naming the fields
 * ({@code version account-id ... srcaddr dstaddr ...}). {@code NODATA} and {@code SKIPDATA} records are skipped.
 * A record is one direction of a flow, so its {@code bytes} are what {@code srcaddr} sent: bytes_out, with bytes_in 0.
 * Behind a NAT gateway {@code pkt-srcaddr}/{@code pkt-dstaddr} name the real endpoints and are preferred.
 * A layout without {@code start} gives the last time seen in the stream, or the epoch. {@code REJECT} records are
 * skipped (counted): their bytes did not leave.
 */
final class VpcFlowParser implements FormatParser {

    private static final String DEFAULT_HEADER =
            "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

    private final String source;
    private final ParserOptions options;
    private long lineNo;
    private Instant lastTime;
    private Map<String, Integer> idx;
    private int width;

    VpcFlowParser(String source, ParserOptions options) {
        this.source = source;
        this.options = options;
        layout(DEFAULT_HEADER.split(" "));
    }

    @Override
    public LogFormat format() {
        return LogFormat.VPC_FLOW;
    }

    private void layout(String[] names) {
        idx = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            idx.put(names[i].replace('_', '-'), i);
        }
        width = names.length;
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return;
        }
        if (line.length() > options.maxEntryChars()) {
            out.accept(new ParseResult.Reject(
                    source, lineNo, "entry exceeds " + options.maxEntryChars() + " characters", ""));
            return;
        }
        String[] f = trimmed.split("\\s+");
        if (isHeader(f)) {
            layout(f);
            out.accept(new ParseResult.Skipped("vpc flow header"));
            return;
        }
        if (f.length != width) {
            out.accept(new ParseResult.Reject(source, lineNo, "expected " + width + " fields, got " + f.length, line));
            return;
        }
        String status = get(f, "log-status");
        if ("NODATA".equals(status) || "SKIPDATA".equals(status)) {
            out.accept(new ParseResult.Skipped(status));
            return;
        }
        if ("REJECT".equals(get(f, "action"))) {
            // The security group or ACL dropped it: those bytes never left, and counting them as egress would let
            // blocked scans or retries look like an upload.
            out.accept(new ParseResult.Skipped("rejected flow (action REJECT)"));
            return;
        }
        String src = first(get(f, "pkt-srcaddr"), get(f, "srcaddr"));
        String dst = first(get(f, "pkt-dstaddr"), get(f, "dstaddr"));
        if (src == null || dst == null) {
            out.accept(new ParseResult.Reject(source, lineNo, "missing srcaddr or dstaddr", line));
            return;
        }
        Instant time;
        Integer port;
        long bytes;
        try {
            String start = get(f, "start");
            time = start == null
                    ? (lastTime != null ? lastTime : Instant.EPOCH)
                    : EventTimes.ofEpochSecond(Long.parseLong(start), 0);
            if (time == null) {
                out.accept(new ParseResult.Reject(source, lineNo, "start " + EventTimes.OUT_OF_RANGE, line));
                return;
            }
            lastTime = time;
            String p = get(f, "dstport");
            port = p == null ? null : Integer.valueOf(p);
            if (port != null && (port < 0 || port > 65535)) {
                out.accept(new ParseResult.Reject(source, lineNo, "dstport out of range", line));
                return;
            }
            String b = get(f, "bytes");
            bytes = b == null ? 0 : Long.parseLong(b);
        } catch (NumberFormatException e) {
            out.accept(new ParseResult.Reject(source, lineNo, "malformed number in start, dstport or bytes", line));
            return;
        }
        if (bytes < 0) {
            out.accept(new ParseResult.Reject(source, lineNo, "negative bytes", line));
            return;
        }
        out.accept(new ParseResult.Event(EgressEvent.newBuilder()
                .setEventTime(time)
                .setSrcIp(src)
                .setDstIp(dst)
                .setDstPort(port)
                .setProtocol(protocolName(get(f, "protocol")))
                .setBytesOut(bytes)
                .setBytesIn(0)
                .setSourceFormat(LogFormat.VPC_FLOW.id())
                .build()));
    }

    private static boolean isHeader(String[] f) {
        for (String s : f) {
            if (s.equals("srcaddr") || s.equals("dstaddr") || s.equals("pkt-srcaddr") || s.equals("version")) {
                return true;
            }
        }
        return false;
    }

    private String get(String[] f, String name) {
        Integer i = idx.get(name);
        if (i == null) {
            return null;
        }
        String v = f[i];
        return v.equals("-") ? null : v;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    /** IANA protocol number to name for the common ones; the number otherwise. */
    static String protocolName(String number) {
        if (number == null) {
            return null;
        }
        return switch (number) {
            case "6" -> "tcp";
            case "17" -> "udp";
            case "1" -> "icmp";
            case "58" -> "icmpv6";
            case "47" -> "gre";
            case "50" -> "esp";
            default -> number;
        };
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        // Line-oriented: nothing pending.
    }
}
