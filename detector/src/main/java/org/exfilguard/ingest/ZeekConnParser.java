package org.exfilguard.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.exfilguard.schema.EgressEvent;

/**
 * Zeek conn.log, as TSV with its {@code #separator}/{@code #fields} header ({@code -} unset, {@code (empty)} empty)
 * or as JSON lines with {@code id.orig_h} or {@code id_orig_h}. bytes_out is the originator's payload bytes
 * ({@code orig_bytes}), bytes_in the responder's; protocol is the detected service when Zeek knows it, else the
 * transport. Without a {@code #fields} header, TSV lines are read in Zeek's default conn.log column order.
 */
final class ZeekConnParser implements FormatParser {

    private final String source;
    private final ParserOptions options;
    private long lineNo;
    private char separator = '\t';
    private String unset = "-";
    private String empty = "(empty)";
    private int ts;
    private int origH;
    private int respH;
    private int respP;
    private int proto;
    private int service;
    private int origBytes;
    private int respBytes;
    private int width;

    ZeekConnParser(String source, ParserOptions options) {
        this.source = source;
        this.options = options;
        fields(ZeekConnColumns.DEFAULT.toArray(String[]::new));
    }

    @Override
    public LogFormat format() {
        return LogFormat.ZEEK_CONN;
    }

    private void fields(String[] names) {
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            idx.put(names[i].replace('_', '.'), i);
            idx.put(names[i], i);
        }
        ts = idx.getOrDefault("ts", -1);
        origH = idx.getOrDefault("id.orig_h", -1);
        respH = idx.getOrDefault("id.resp_h", -1);
        respP = idx.getOrDefault("id.resp_p", -1);
        proto = idx.getOrDefault("proto", -1);
        service = idx.getOrDefault("service", -1);
        origBytes = idx.getOrDefault("orig_bytes", -1);
        respBytes = idx.getOrDefault("resp_bytes", -1);
        width = names.length;
    }

    @Override
    public void accept(String line, Consumer<ParseResult> out) {
        lineNo++;
        if (line.length() > options.maxEntryChars()) {
            out.accept(new ParseResult.Reject(
                    source, lineNo, "entry exceeds " + options.maxEntryChars() + " characters", ""));
        } else if (line.isEmpty()) {
            return;
        } else if (line.charAt(0) == '#') {
            header(line, out);
        } else if (line.charAt(0) == '{') {
            json(line, out);
        } else {
            tsv(line, out);
        }
    }

    private void header(String line, Consumer<ParseResult> out) {
        if (line.startsWith("#separator ")) {
            Character sep = separatorOf(line.substring(11).trim());
            if (sep == null) {
                out.accept(new ParseResult.Reject(source, lineNo, "malformed #separator header", line));
                return;
            }
            separator = sep;
        } else if (line.startsWith("#fields")) {
            String[] names = split(line, separator);
            String[] rest = new String[names.length - 1];
            System.arraycopy(names, 1, rest, 0, rest.length);
            fields(rest);
        } else if (line.startsWith("#unset_field")) {
            unset = valueAfterKeyword(line);
        } else if (line.startsWith("#empty_field")) {
            empty = valueAfterKeyword(line);
        }
        out.accept(new ParseResult.Skipped("zeek header"));
    }

    /** {@code \\x09} or a literal character; null when neither. */
    private static Character separatorOf(String sep) {
        if (sep.length() == 4 && sep.startsWith("\\x")) {
            int hi = Character.digit(sep.charAt(2), 16);
            int lo = Character.digit(sep.charAt(3), 16);
            return hi < 0 || lo < 0 ? null : (char) (hi * 16 + lo);
        }
        return sep.length() == 1 ? sep.charAt(0) : null;
    }

    private String valueAfterKeyword(String line) {
        int sep = line.indexOf(separator);
        if (sep < 0) {
            sep = line.indexOf(' ');
        }
        return sep < 0 ? "" : line.substring(sep + 1);
    }

    private static String[] split(String line, char sep) {
        int count = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == sep) {
                count++;
            }
        }
        String[] out = new String[count];
        int start = 0;
        int k = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == sep) {
                out[k++] = line.substring(start, i);
                start = i + 1;
            }
        }
        return out;
    }

    private void tsv(String line, Consumer<ParseResult> out) {
        String[] f = split(line, separator);
        if (f.length != width) {
            out.accept(new ParseResult.Reject(source, lineNo, "expected " + width + " fields, got " + f.length, line));
            return;
        }
        emit(
                get(f, ts),
                get(f, origH),
                get(f, respH),
                get(f, respP),
                get(f, proto),
                get(f, service),
                get(f, origBytes),
                get(f, respBytes),
                line,
                out);
    }

    private String get(String[] f, int i) {
        if (i < 0) {
            return null;
        }
        String v = f[i];
        return v.equals(unset) || v.equals(empty) ? null : v;
    }

    private void json(String line, Consumer<ParseResult> out) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (Exception e) {
            out.accept(new ParseResult.Reject(source, lineNo, Json.malformed(e), line));
            return;
        }
        emit(
                text(n, "ts"),
                text(n, "id.orig_h", "id_orig_h"),
                text(n, "id.resp_h", "id_resp_h"),
                text(n, "id.resp_p", "id_resp_p"),
                text(n, "proto"),
                text(n, "service"),
                text(n, "orig_bytes"),
                text(n, "resp_bytes"),
                line,
                out);
    }

    private static String text(JsonNode n, String... names) {
        for (String name : names) {
            String v = Json.text(n, name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private void emit(
            String tsText,
            String src,
            String dst,
            String port,
            String protoText,
            String serviceText,
            String outBytes,
            String inBytes,
            String line,
            Consumer<ParseResult> out) {
        if (tsText == null || src == null || dst == null) {
            out.accept(new ParseResult.Reject(source, lineNo, "missing ts, id.orig_h or id.resp_h", line));
            return;
        }
        Instant time = parseTs(tsText);
        if (time == null) {
            out.accept(new ParseResult.Reject(source, lineNo, "malformed ts", line));
            return;
        }
        Integer dstPort = null;
        long bo;
        long bi;
        try {
            dstPort = port == null ? null : Integer.valueOf(port);
            if (dstPort != null && (dstPort < 0 || dstPort > 65535)) {
                out.accept(new ParseResult.Reject(source, lineNo, "id.resp_p out of range", line));
                return;
            }
            bo = outBytes == null ? 0 : Long.parseLong(outBytes);
            bi = inBytes == null ? 0 : Long.parseLong(inBytes);
        } catch (NumberFormatException e) {
            out.accept(new ParseResult.Reject(source, lineNo, "malformed port or byte count", line));
            return;
        }
        if (bo < 0 || bi < 0) {
            out.accept(new ParseResult.Reject(source, lineNo, "negative byte count", line));
            return;
        }
        String protocol = serviceText != null && !serviceText.contains(",") ? serviceText : protoText;
        out.accept(new ParseResult.Event(EgressEvent.newBuilder()
                .setEventTime(time)
                .setSrcIp(src)
                .setDstIp(dst)
                .setDstPort(dstPort)
                .setProtocol(protocol == null ? null : protocol.toLowerCase(Locale.ROOT))
                .setBytesOut(bo)
                .setBytesIn(bi)
                .setSourceFormat(LogFormat.ZEEK_CONN.id())
                .build()));
    }

    /** Epoch seconds with a fraction ({@code 1588317685.417361}) or ISO-8601. */
    private static Instant parseTs(String s) {
        try {
            if (s.indexOf('T') > 0) {
                Instant t = Instant.parse(s);
                return EventTimes.representable(t) ? t : null;
            }
            int dot = s.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? s : s.substring(0, dot));
            long nanos = 0;
            if (dot >= 0) {
                String frac = (s.substring(dot + 1) + "000000000").substring(0, 9);
                nanos = Long.parseLong(frac);
            }
            return EventTimes.ofEpochSecond(seconds, nanos);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void finish(Consumer<ParseResult> out) {
        // Line-oriented: nothing pending.
    }
}
