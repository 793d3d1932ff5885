package org.exfilguard.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of hostile input for the parsers: sample-like entries of each format with their numbers and times
 * replaced by ordinary or edge values, then truncated, mutated, re-encoded wrongly or replaced by noise.
 * Placeholders in the templates: {@code {N}} a counter, {@code {ISO}} an ISO-8601 instant, {@code {SQLTS}}
 * {@code 2020-10-19 19:32:05}, {@code {PGTS}} an Aurora/postgres timestamp with offset, {@code {EPOCHF}} epoch
 * seconds with a fraction, {@code {EPOCH}} whole epoch seconds.
 */
final class HostileInputs {

    private HostileInputs() {}

    /** A sample-like entry per parser input shape (Zeek has two: TSV and JSON). */
    enum Shape {
        MYSQL_SLOW(LogFormat.MYSQL_SLOW, """
                # Time: {ISO}
                # User@Host: app[app] @ web1 [10.0.0.7]  Id: {N}
                # Query_time: 2.000100  Lock_time: 0.000100 Rows_sent: {N}  Rows_examined: {N}  Bytes_sent: {N}
                use coop;
                SET timestamp={N};
                SELECT id, email FROM members WHERE email = 'ann@example.com' AND id IN (1, 2, 3);
                # Time: 071015 21:43:52
                # User@Host: [root] @ localhost []
                # Query_time: 1  Lock_time: 0  Rows_sent: {N}  Rows_examined: {N}
                SELECT m.*, o.total
                  FROM members m JOIN orders o ON o.member_id = m.id
                 WHERE o.total > 100;
                """),
        PGAUDIT(LogFormat.PGAUDIT, """
                {SQLTS} UTC [8077]: [1-1] user=admin,db=coop,client=10.163.20.125 LOG:  AUDIT: SESSION,{N},1,READ,SELECT,TABLE,public.members,"select * from members where email = 'ann@example.com'",<not logged>,{N}
                {SQLTS}.123+02 [8077]: [2-1] user=admin,db=coop,client=[local] LOG:  AUDIT: OBJECT,{N},1,READ,SELECT,TABLE,public.orders,"select o.id
                  from orders o where o.total > 100",<not logged>
                Aug 10 17:04:20 host crn:v1:databases-for-postgresql:: {"message":"{ISO} stderr F {SQLTS} UTC [8077]: [1-1] user=admin,db=coop,client=10.0.0.7 LOG:  AUDIT: SESSION,{N},1,READ,SELECT,,,\\"select 1\\",<not logged>"}
                """),
        AURORA_DAS(LogFormat.AURORA_DAS, """
                {"type":"DatabaseActivityMonitoringRecord","databaseActivityEventList":[{"logTime":"{PGTS}","type":"record","dbUserName":"app","databaseName":"coop","remoteHost":"10.0.0.7","commandText":"select * from members where id = 42","rowCount":{N},"sessionId":"{N}","objectName":"members"},{"type":"heartbeat"}]}
                {
                  "type":"DatabaseActivityMonitoringRecords",
                  "databaseActivityEvents": {
                    "databaseActivityEventList":[
                      { "startTime": "{PGTS}", "dbUserName": "app", "remoteHost": "web1", "commandText": null,
                        "objectName": "coop.members", "rowCount": {N} }
                    ]
                  }
                }
                """),
        MYSQL_AUDIT(LogFormat.MYSQL_AUDIT, """
                [
                { "timestamp": "{SQLTS}", "id": {N}, "class": "table_access", "event": "read", "connection_id": {N}, "account": { "user": "app", "host": "web1" }, "login": { "user": "app", "os": "", "ip": "10.0.0.7", "proxy": "" }, "table_access_data": { "db": "coop", "table": "members", "query": "select * from members where email = 'ann@example.com'", "sql_command": "select" } },
                { "timestamp": "{SQLTS}", "id": {N}, "class": "connection", "event": "connect", "connection_id": {N} }
                ]
                """),
        ZEEK_TSV(LogFormat.ZEEK_CONN, """
                #separator \\x09
                #set_separator\t,
                #empty_field\t(empty)
                #unset_field\t-
                #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents
                {EPOCHF}\tCuid1\t10.0.0.7\t{N}\t203.0.113.5\t{N}\ttcp\thttp\t1.5\t{N}\t{N}\tSF\t-\t-\t0\tShADad\t10\t500\t8\t900\t(empty)
                """),
        ZEEK_JSON(LogFormat.ZEEK_CONN, """
                {"ts":{EPOCHF},"uid":"C1","id.orig_h":"10.0.0.7","id.orig_p":{N},"id.resp_h":"203.0.113.5","id.resp_p":{N},"proto":"tcp","service":"ssl","orig_bytes":{N},"resp_bytes":{N}}
                {"ts":"{ISO}","uid":"C2","id_orig_h":"10.0.0.7","id_resp_h":"203.0.113.6","id_resp_p":{N},"proto":"udp","orig_bytes":{N}}
                """),
        VPC_FLOW(LogFormat.VPC_FLOW, """
                2 123456789010 eni-1235b8ca123456789 10.0.0.7 203.0.113.5 {N} {N} 6 {N} {N} {EPOCH} {EPOCH} ACCEPT OK
                instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr start bytes dstport
                i-0123 eni-1111aaaa2222bbbb3 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5 {EPOCH} {N} {N}
                """),
        CANONICAL(LogFormat.CANONICAL, """
                {"event_time":"{ISO}","account":"app","client_ip":"10.0.0.7","database":"coop","tables":["coop.members"],"operation":"select","rows_returned":{N},"rows_examined":{N},"bytes_returned":{N},"statement_fingerprint":"select * from members where id = 42","session_id":"s1"}
                {"event_time":{N},"src_ip":"10.0.0.7","dst_ip":"203.0.113.5","dst_port":{N},"bytes_out":{N},"bytes_in":"{N}"}
                """);

        final LogFormat format;
        final String template;

        Shape(LogFormat format, String template) {
            this.format = format;
            this.template = template;
        }

        /** The template with ordinary values: what a healthy log looks like. */
        String sample() {
            return template.replace("{N}", "1200")
                    .replace("{ISO}", "2024-03-05T10:15:30.123456Z")
                    .replace("{SQLTS}", "2024-03-05 10:15:30")
                    .replace("{PGTS}", "2024-03-05 10:15:30.123456+00")
                    .replace("{EPOCHF}", "1709633730.123456")
                    .replace("{EPOCH}", "1709633730");
        }
    }

    /** Values at the edges: negative, overflowing, empty, malformed, the ends of the representable range. */
    static final Map<String, List<String>> EDGES = Map.of(
            "{EPOCH}",
                    List.of(
                            "-1",
                            "0",
                            "946684799",
                            "4102444800",
                            "9223372036854775807",
                            "99999999999999999999",
                            "1.5",
                            ""),
            "{N}",
                    List.of(
                            "-5",
                            "0",
                            "-0",
                            "007",
                            "99999999999999999999999",
                            "9223372036854775807",
                            "9223372036854775808",
                            "-9223372036854775808",
                            "31556889864403199",
                            "31556889864403200",
                            "9999999999999999",
                            "99999999999999999999",
                            "999999999999999999",
                            "1e308",
                            "NaN",
                            "",
                            "1.5",
                            "65536",
                            "2147483648",
                            "\u0000",
                            "١٢٣"),
            "{ISO}",
                    List.of(
                            "0000-01-01T00:00:00Z",
                            "9999-12-31T23:59:59.999999999Z",
                            "+1000000000-12-31T23:59:59Z",
                            "-1000000000-01-01T00:00:00Z",
                            "+999999999-12-31T23:59:59.999999999Z",
                            "1969-12-31T23:59:59Z",
                            "2016-02-30T00:00:00Z",
                            "2016-07-20T25:61:61Z",
                            "2016-07-20T18:13:25.1234567890Z",
                            "2016-07-20T18:13:25+99:99",
                            "2016-07-20T18:13:25",
                            "+292278994-08-17T07:12:55.807Z",
                            ""),
            "{SQLTS}",
                    List.of(
                            "0000-01-01 00:00:00",
                            "9999-12-31 23:59:59",
                            "1969-12-31 23:59:59",
                            "2020-02-30 00:00:00",
                            "-0001-01-01 00:00:00",
                            "+10000-01-01 00:00:00",
                            "2020-13-01 24:00:00",
                            ""),
            "{PGTS}",
                    List.of(
                            "0000-01-01 00:00:00+00",
                            "9999-12-31 23:59:59.9999999+14",
                            "2019-10-30 00:39:49.990579-18",
                            "+1000000000-12-31 23:59:59+00",
                            "2019-10-30 00:39:49.990579+99",
                            "2019-10-30T00:39:49Z",
                            "-1",
                            ""),
            "{EPOCHF}",
                    List.of(
                            "-1.5",
                            "0",
                            "9223372036854775807.999999",
                            "99999999999999999999.1",
                            "31556889864403199.999999999",
                            "31556889864403200",
                            "-31557014167219200",
                            "1.1234567891234",
                            "NaN",
                            "-0.000001",
                            "9999999999999999.9",
                            "9223372036854775",
                            "1e10",
                            ""));

    private static final Map<String, Arbitrary<String>> ORDINARY = Map.of(
            "{EPOCH}", Arbitraries.longs().between(946_684_800L, 4_102_444_799L).map(String::valueOf),
            "{N}", Arbitraries.longs().between(0, 65_535).map(String::valueOf),
            "{ISO}",
                    Arbitraries.longs()
                            .between(946_684_800L, 4_102_444_799L)
                            .map(s -> java.time.Instant.ofEpochSecond(s).toString()),
            "{SQLTS}",
                    Arbitraries.longs()
                            .between(946_684_800L, 4_102_444_799L)
                            .map(s -> java.time.Instant.ofEpochSecond(s)
                                    .toString()
                                    .replace('T', ' ')
                                    .replace("Z", "")),
            "{PGTS}",
                    Arbitraries.longs()
                            .between(946_684_800L, 4_102_444_799L)
                            .map(s -> java.time.Instant.ofEpochSecond(s)
                                    .toString()
                                    .replace('T', ' ')
                                    .replace("Z", ".5+00")),
            "{EPOCHF}",
                    Arbitraries.longs().between(946_684_800L, 4_102_444_799L).map(s -> s + ".417361"));

    /** The template with each placeholder filled by an ordinary value or, with {@code edgeOdds}, an edge value. */
    static Arbitrary<String> filled(Shape shape, double edgeOdds) {
        int slots = countSlots(shape.template);
        Arbitrary<List<Double>> coins =
                Arbitraries.doubles().between(0, 1).list().ofSize(slots);
        Arbitrary<List<Integer>> edgePicks =
                Arbitraries.integers().between(0, 1000).list().ofSize(slots);
        Arbitrary<List<String>> ordinary =
                Combinators.combine(slotArbitraries(shape.template)).as(l -> l);
        return Combinators.combine(coins, edgePicks, ordinary).as((c, e, o) -> {
            StringBuilder sb = new StringBuilder(shape.template.length() + 64);
            String t = shape.template;
            int i = 0;
            int slot = 0;
            while (i < t.length()) {
                String ph = slotAt(t, i);
                if (ph == null) {
                    sb.append(t.charAt(i++));
                    continue;
                }
                if (c.get(slot) < edgeOdds) {
                    List<String> edges = EDGES.get(ph);
                    sb.append(edges.get(e.get(slot) % edges.size()));
                } else {
                    sb.append(o.get(slot));
                }
                slot++;
                i += ph.length();
            }
            return sb.toString();
        });
    }

    private static List<Arbitrary<String>> slotArbitraries(String t) {
        List<Arbitrary<String>> out = new java.util.ArrayList<>();
        for (int i = 0; i < t.length(); i++) {
            String ph = slotAt(t, i);
            if (ph != null) {
                out.add(ORDINARY.get(ph));
            }
        }
        return out;
    }

    private static int countSlots(String t) {
        int n = 0;
        for (int i = 0; i < t.length(); i++) {
            if (slotAt(t, i) != null) {
                n++;
            }
        }
        return n;
    }

    private static String slotAt(String t, int i) {
        if (t.charAt(i) != '{') {
            return null;
        }
        for (String ph : EDGES.keySet()) {
            if (t.startsWith(ph, i)) {
                return ph;
            }
        }
        return null;
    }

    /** Characters mutations draw from: the format's own punctuation, control characters, NUL, surrogates. */
    private static final Arbitrary<Character> NASTY_CHARS = Arbitraries.oneOf(
            Arbitraries.of(
                    '\u0000', '\n', '\r', '\t', ' ', '"', '\'', '\\', '`', '{', '}', '[', ']', ',', ':', ';', '#', '@',
                    '=', '-', '+', '.', '$', '(', ')', '*', '/', '0', '9', 'Z', 'T', '\u00e9', '\ufeff', '\ud800',
                    '\udfff', '\uffff', '\u2028'),
            Arbitraries.chars());

    /** One to eight character flips, insertions and deletions. */
    static Arbitrary<String> mutated(Arbitrary<String> base) {
        Arbitrary<List<int[]>> ops = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE),
                        NASTY_CHARS.map(c -> (int) c))
                .as((kind, pos, ch) -> new int[] {kind, pos, ch})
                .list()
                .ofMinSize(1)
                .ofMaxSize(8);
        return Combinators.combine(base, ops).as((s, list) -> {
            StringBuilder sb = new StringBuilder(s);
            for (int[] op : list) {
                int n = sb.length();
                int at = n == 0 ? 0 : op[1] % n;
                switch (op[0]) {
                    case 0 -> {
                        if (n > 0) {
                            sb.setCharAt(at, (char) op[2]);
                        }
                    }
                    case 1 -> sb.insert(at, (char) op[2]);
                    default -> {
                        if (n > 0) {
                            sb.deleteCharAt(at);
                        }
                    }
                }
            }
            return sb.toString();
        });
    }

    /** Cut at a random point: a record torn by a shipper, a file read while being written. */
    static Arbitrary<String> truncated(Arbitrary<String> base) {
        return Combinators.combine(base, Arbitraries.doubles().between(0, 1))
                .as((s, f) -> s.substring(0, (int) (s.length() * f)));
    }

    /** The bytes of a text read with the wrong charset. */
    static Arbitrary<String> misencoded(Arbitrary<String> base) {
        List<Function<String, String>> codecs = List.of(
                s -> new String(s.replace('e', '\u00e9').getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                s -> new String(s.getBytes(StandardCharsets.UTF_16), StandardCharsets.UTF_8),
                s -> new String(s.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.ISO_8859_1),
                s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_16));
        return Combinators.combine(base, Arbitraries.of(codecs)).as((s, codec) -> codec.apply(s));
    }

    /** Random bytes decoded as UTF-8, Latin-1 or UTF-16, with line breaks. */
    static Arbitrary<String> noise() {
        Arbitrary<String> bytes = Combinators.combine(
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
                        Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16))
                .as((b, cs) -> new String(b, cs));
        Arbitrary<String> chars = Arbitraries.strings()
                .withChars("{}[]\",:#\\'\n\t\u0000 0123456789aZ.-")
                .ofMaxLength(300);
        return Arbitraries.oneOf(bytes, chars, Arbitraries.strings().all().ofMaxLength(200));
    }

    /** Everything above for one shape, and streams of several pieces back to back. */
    static Arbitrary<String> hostile(Shape shape) {
        Arbitrary<String> ordinary = filled(shape, 0.0);
        Arbitrary<String> edgy = filled(shape, 0.3);
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, edgy),
                net.jqwik.api.Tuple.of(3, truncated(ordinary)),
                net.jqwik.api.Tuple.of(4, mutated(Arbitraries.oneOf(ordinary, edgy))),
                net.jqwik.api.Tuple.of(1, misencoded(ordinary)),
                net.jqwik.api.Tuple.of(2, noise()),
                net.jqwik.api.Tuple.of(1, ordinary));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, piece),
                net.jqwik.api.Tuple.of(1, piece.list().ofMinSize(2).ofMaxSize(4).map(l -> String.join("\n", l))));
    }
}
