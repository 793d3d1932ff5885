package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.exfilguard.schema.DbAccessEvent;
import org.exfilguard.schema.EgressEvent;
import org.junit.jupiter.api.Test;

/** Every field bounded at parse time, whichever parser read it (EventBounds behind LogFormat.newParser). */
class FieldBoundsTest {

    private static final String MB = "a".repeat(1 << 20);
    private static final String T = "\"event_time\":\"2024-03-05T10:15:30Z\"";

    private static List<ParseResult> parse(LogFormat format, String input) {
        return format.newParser("in.log", ParserOptions.defaults()).parseRecord(input);
    }

    private static ParseResult one(LogFormat format, String input) {
        List<ParseResult> rs = parse(format, input);
        assertThat(rs).hasSize(1);
        return rs.get(0);
    }

    private static String reason(ParseResult r) {
        assertThat(r).isInstanceOf(ParseResult.Reject.class);
        return ((ParseResult.Reject) r).reason();
    }

    private static ParseResult.Event event(ParseResult r) {
        assertThat(r).isInstanceOf(ParseResult.Event.class);
        return (ParseResult.Event) r;
    }

    private static String slow(String user) {
        return "# Time: 2024-03-05T10:15:30Z\n# User@Host: " + user + "[x] @ web1 [10.0.0.7]  Id: 3\n"
                + "# Query_time: 1  Lock_time: 0  Rows_sent: 5  Rows_examined: 5\nSELECT * FROM coop.members;\n";
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int avroBytes(SpecificRecord r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter(r.getSchema()).write(r, enc);
        enc.flush();
        return out.size();
    }

    @Test
    void megabyteAccountNameIsRejectedByEveryDatabaseParser() {
        assertThat(reason(one(LogFormat.MYSQL_SLOW, slow(MB)))).isEqualTo("account longer than 256 characters");
        assertThat(reason(one(LogFormat.CANONICAL, "{" + T + ",\"account\":\"" + MB + "\"}")))
                .isEqualTo("account longer than 256 characters");
        assertThat(reason(one(
                        LogFormat.AURORA_DAS,
                        "{\"databaseActivityEventList\":[{\"logTime\":\"2024-03-05 10:15:30+00\"," + "\"dbUserName\":\""
                                + MB + "\"}]}")))
                .isEqualTo("account longer than 256 characters");
        assertThat(reason(one(
                        LogFormat.PGAUDIT,
                        "2024-03-05 10:15:30 UTC [1]: user=" + MB
                                + ",db=coop,client=10.0.0.7 LOG:  AUDIT: SESSION,1,1,READ,SELECT,,,select 1,<none>")))
                .isEqualTo("account longer than 256 characters");
        assertThat(reason(one(
                        LogFormat.MYSQL_AUDIT,
                        "{ \"timestamp\": \"2024-03-05 10:15:30\", \"class\": \"table_access\", "
                                + "\"connection_id\": 1, \"account\": { \"user\": \"app\" }, \"table_access_data\": { \"db\": \"coop\", \"table\": \""
                                + MB + "\" } }")))
                .isEqualTo("table name longer than 256 characters");
    }

    @Test
    void megabyteLabelsAreCutWithACountedNoteAndTheEventStaysSmall() throws IOException {
        ParseResult.Event e = event(one(
                LogFormat.CANONICAL,
                "{" + T + ",\"account\":\"app\",\"client_host\":\"" + MB + "\",\"session_id\":\"" + MB
                        + "\",\"source_format\":\"" + MB + "\",\"statement_fingerprint\":\"select " + MB + "\"}"));
        DbAccessEvent d = (DbAccessEvent) e.record();
        assertThat(d.getClientHost()).hasSize(EventBounds.MAX_LABEL_CHARS);
        assertThat(d.getSessionId()).hasSize(EventBounds.MAX_LABEL_CHARS);
        assertThat(d.getSourceFormat()).hasSize(EventBounds.MAX_SHORT_CHARS);
        assertThat(d.getStatementFingerprint().length()).isLessThanOrEqualTo(EventBounds.MAX_FINGERPRINT_CHARS);
        assertThat(e.notes())
                .containsExactly(
                        "client_host cut at 256 characters",
                        "session_id cut at 256 characters",
                        "source_format cut at 64 characters");
        assertThat(avroBytes(d)).isLessThan(8_000);

        ParseStats stats = new ParseStats();
        stats.record(e);
        assertThat(stats.adjustedByNote()).containsEntry("session_id cut at 256 characters", 1L);
        assertThat(stats.summary())
                .contains(
                        "entries kept with a field changed to fit the bounds:\n  1  client_host cut at 256 characters");
    }

    @Test
    void controlCharactersInANameRejectTheEntryInsteadOfBeingTrimmedAway() {
        // trim() used to turn "\u0007alice" into "alice": another principal's name.
        assertThat(reason(one(LogFormat.MYSQL_SLOW, slow("\u0007alice"))))
                .isEqualTo("account contains control characters");
        assertThat(reason(one(LogFormat.MYSQL_SLOW, slow("alice\u0000"))))
                .isEqualTo("account contains control characters");
        assertThat(reason(one(LogFormat.CANONICAL, "{" + T + ",\"account\":\"\\u001b[31malice\"}")))
                .isEqualTo("account contains control characters");
        assertThat(reason(one(LogFormat.CANONICAL, "{" + T + ",\"account\":\"ali\u202ece\"}")))
                .isEqualTo("account contains control characters");
        // Whitespace around a name is still layout, not part of it.
        DbAccessEvent d = (DbAccessEvent)
                event(one(LogFormat.MYSQL_SLOW, slow("  alice"))).record();
        assertThat(d.getAccount()).isEqualTo("alice");
    }

    @Test
    void duplicateJsonKeysRejectTheRecordAsAmbiguous() {
        assertThat(reason(one(LogFormat.CANONICAL, "{" + T + ",\"account\":\"alice\",\"account\":\"mallory\"}")))
                .isEqualTo("duplicate JSON key (ambiguous record)");
        assertThat(reason(one(
                        LogFormat.AURORA_DAS,
                        "{\"databaseActivityEventList\":[{\"logTime\":\"2024-03-05 10:15:30+00\","
                                + "\"dbUserName\":\"alice\",\"dbUserName\":\"mallory\"}]}")))
                .isEqualTo("duplicate JSON key (ambiguous record)");
        assertThat(reason(one(
                        LogFormat.MYSQL_AUDIT,
                        "{ \"timestamp\": \"2024-03-05 10:15:30\", \"class\": \"table_access\", "
                                + "\"class\": \"connection\", \"connection_id\": 1 }")))
                .isEqualTo("duplicate JSON key (ambiguous record)");
        assertThat(reason(one(
                        LogFormat.ZEEK_CONN,
                        "{\"ts\":1709633730.1,\"id.orig_h\":\"10.0.0.7\",\"id.resp_h\":\"203.0.113.5\","
                                + "\"orig_bytes\":1,\"orig_bytes\":900000000}")))
                .isEqualTo("duplicate JSON key (ambiguous record)");
    }

    @Test
    void egressAddressesMustBeIpLiterals() {
        String flow = "{" + T + ",\"src_ip\":\"%s\",\"dst_ip\":\"%s\",\"bytes_out\":5}";
        assertThat(reason(one(LogFormat.CANONICAL, flow.formatted("not-an-ip", "203.0.113.5"))))
                .isEqualTo("src_ip not an IP literal");
        assertThat(reason(one(LogFormat.CANONICAL, flow.formatted("10.0.0.7", "\\u001b[31m203.0.113.5"))))
                .isEqualTo("dst_ip not an IP literal");
        assertThat(reason(one(LogFormat.CANONICAL, flow.formatted("10.0.0.7", "a:b"))))
                .isEqualTo("dst_ip not an IP literal");
        assertThat(reason(one(LogFormat.CANONICAL, flow.formatted("10.0.0.256", "203.0.113.5"))))
                .isEqualTo("src_ip not an IP literal");
        assertThat(reason(one(
                        LogFormat.ZEEK_CONN,
                        "{\"ts\":1709633730.1,\"id.orig_h\":\"web1\",\"id.resp_h\":\"203.0.113.5\"}")))
                .isEqualTo("src_ip not an IP literal");
        assertThat(event(one(LogFormat.CANONICAL, flow.formatted("fd00::7", "2001:db8::1")))
                        .notes())
                .isEmpty();
    }

    @Test
    void databaseClientIpThatIsNotAnIpMovesToTheHostOrIsDropped() {
        String db = "{" + T + ",\"account\":\"app\",\"client_ip\":\"%s\"%s}";
        ParseResult.Event moved = event(one(LogFormat.CANONICAL, db.formatted("web1.example.com", "")));
        assertThat(((DbAccessEvent) moved.record()).getClientIp()).isNull();
        assertThat(((DbAccessEvent) moved.record()).getClientHost()).isEqualTo("web1.example.com");
        assertThat(moved.notes()).containsExactly("client_ip was a host name (moved to client_host)");
        ParseResult.Event dropped =
                event(one(LogFormat.CANONICAL, db.formatted("\\u001b[2J10.0.0.7", ",\"client_host\":\"web1\"")));
        assertThat(((DbAccessEvent) dropped.record()).getClientIp()).isNull();
        assertThat(((DbAccessEvent) dropped.record()).getClientHost()).isEqualTo("web1");
        assertThat(dropped.notes()).containsExactly("client_ip not an IP literal (dropped)");
        // Aurora's remoteHost "1.2.3.4.5" looks numeric but is no address.
        ParseResult.Event das = event(one(
                LogFormat.AURORA_DAS,
                "{\"databaseActivityEventList\":[{\"logTime\":\"2024-03-05 10:15:30+00\","
                        + "\"dbUserName\":\"app\",\"remoteHost\":\"1.2.3.4.5\"}]}"));
        assertThat(((DbAccessEvent) das.record()).getClientIp()).isNull();
    }

    @Test
    void canonicalEventNamesAtMostAThousandTables() {
        String tables =
                IntStream.range(0, 20_000).mapToObj(i -> "\"coop.t" + i + "\"").collect(Collectors.joining(","));
        ParseResult.Event e =
                event(one(LogFormat.CANONICAL, "{" + T + ",\"account\":\"app\",\"tables\":[" + tables + "]}"));
        assertThat(((DbAccessEvent) e.record()).getTables())
                .hasSize(SqlTables.MAX_TABLES)
                .startsWith("coop.t0", "coop.t1");
        assertThat(e.notes()).containsExactly("tables cut at 1000");
    }

    @Test
    void rejectedVpcFlowsAreSkippedNotCountedAsEgress() {
        List<ParseResult> rs = parse(LogFormat.VPC_FLOW, """
                2 1 eni-1 10.0.0.7 203.0.113.5 1 443 6 1 900000000 1709633730 1709633790 REJECT OK
                2 1 eni-1 10.0.0.7 203.0.113.5 1 443 6 1 1000 1709633730 1709633790 ACCEPT OK
                """);
        ParseStats stats = new ParseStats();
        rs.forEach(stats::record);
        assertThat(stats.events()).isEqualTo(1);
        assertThat(stats.bytesOut()).isEqualTo(1000);
        assertThat(stats.skippedByWhat()).containsEntry("rejected flow (action REJECT)", 1L);
        assertThat(((EgressEvent) ((ParseResult.Event) rs.get(1)).record()).getBytesOut())
                .isEqualTo(1000);
    }

    @Property(tries = 300)
    void anyCanonicalStringFieldsGiveARejectOrABoundedEvent(
            @ForAll @StringLength(max = 600) String account,
            @ForAll @StringLength(max = 600) String host,
            @ForAll @StringLength(max = 600) String table,
            @ForAll @StringLength(max = 600) String ip)
            throws IOException {
        String json = "{" + T + ",\"account\":" + quote(account) + ",\"client_host\":" + quote(host) + ",\"client_ip\":"
                + quote(ip) + ",\"tables\":[" + quote(table) + "],\"session_id\":" + quote(host) + "}";
        for (ParseResult r : parse(LogFormat.CANONICAL, json)) {
            if (r instanceof ParseResult.Event e) {
                DbAccessEvent d = (DbAccessEvent) e.record();
                assertThat(d.getAccount().length()).isLessThanOrEqualTo(EventBounds.MAX_NAME_CHARS);
                assertThat(EventBounds.hasControl(d.getAccount())).isFalse();
                assertThat(d.getClientIp() == null || InternalNetworks.isIpLiteral(d.getClientIp()))
                        .isTrue();
                if (d.getClientHost() != null) {
                    assertThat(d.getClientHost().length()).isLessThanOrEqualTo(EventBounds.MAX_LABEL_CHARS);
                    assertThat(EventBounds.hasControl(d.getClientHost())).isFalse();
                }
                d.getTables().forEach(t -> assertThat(t.length()).isLessThanOrEqualTo(EventBounds.MAX_NAME_CHARS));
                assertThat(avroBytes(d)).isLessThan(8_000);
            }
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
