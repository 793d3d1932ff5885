package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.exfilguard.schema.EgressEvent;
import org.junit.jupiter.api.Test;

class EgressParsersTest {

    private static List<ParseResult> parse(LogParser p, String text) {
        List<ParseResult> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            p.accept(line, out::add);
        }
        p.finish(out::add);
        return out;
    }

    private static List<EgressEvent> events(List<ParseResult> rs) {
        return rs.stream()
                .filter(r -> r instanceof ParseResult.Event)
                .map(r -> (EgressEvent) ((ParseResult.Event) r).record())
                .toList();
    }

    @Test
    void zeekTsvUsesFieldsHeaderUnsetAndEmpty() {
        String tsv = String.join(
                "\n",
                "#separator \\x09",
                "#set_separator\t,",
                "#empty_field\t(empty)",
                "#unset_field\t-",
                "#path\tconn",
                "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\torig_bytes\tresp_bytes",
                "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tcount\tcount",
                "1588317685.417361\tC1\t10.0.1.5\t61400\t203.0.113.9\t443\ttcp\t-\t734003200\t1200",
                "1588317686.000000\tC2\t10.0.1.5\t61401\t203.0.113.9\t53\tudp\t(empty)\t-\t-",
                "#close\t2020-05-01-00-00-00");
        List<ParseResult> rs = parse(new ZeekConnParser("z", ParserOptions.defaults()), tsv);
        assertThat(rs).filteredOn(r -> r instanceof ParseResult.Reject).isEmpty();
        List<EgressEvent> ev = events(rs);
        assertThat(ev).hasSize(2);
        assertThat(ev.get(0).getBytesOut()).isEqualTo(734_003_200L);
        assertThat(ev.get(0).getBytesIn()).isEqualTo(1200);
        assertThat(ev.get(0).getProtocol()).isEqualTo("tcp");
        assertThat(ev.get(0).getEventTime()).isEqualTo(Instant.parse("2020-05-01T07:21:25.417Z"));
        assertThat(ev.get(1).getBytesOut()).isZero();
        assertThat(ev.get(1).getProtocol()).isEqualTo("udp");
    }

    @Test
    void zeekJsonWithDottedNames() {
        List<EgressEvent> ev = events(
                parse(
                        new ZeekConnParser("z", ParserOptions.defaults()),
                        "{\"ts\":1588317685.5,\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":1,\"id.resp_h\":\"8.8.8.8\",\"id.resp_p\":443,\"proto\":\"tcp\",\"orig_bytes\":10}"));
        assertThat(ev).singleElement().satisfies(e -> {
            assertThat(e.getSrcIp()).isEqualTo("10.0.0.1");
            assertThat(e.getDstIp()).isEqualTo("8.8.8.8");
            assertThat(e.getBytesOut()).isEqualTo(10);
        });
    }

    @Test
    void zeekRejectsMissingAddressesWithReason() {
        assertThat(parse(new ZeekConnParser("z", ParserOptions.defaults()), "{\"ts\":1.0,\"id.orig_h\":\"10.0.0.1\"}"))
                .singleElement()
                .isInstanceOfSatisfying(
                        ParseResult.Reject.class, r -> assertThat(r.reason()).contains("id.resp_h"));
    }

    @Test
    void vpcDefaultLayoutSkipsNoDataAndTakesBytesAsOutbound() {
        List<ParseResult> rs = parse(
                new VpcFlowParser("v", ParserOptions.defaults()),
                String.join(
                        "\n",
                        "2 123456789010 eni-1 10.0.1.5 198.51.100.7 49152 443 6 20 5000000 1418530010 1418530070 ACCEPT OK",
                        "2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA",
                        "2 123456789010 eni-1 10.0.1.5 198.51.100.7 49152 443 6 20 -5 1418530010 1418530070 ACCEPT OK"));
        assertThat(events(rs)).singleElement().satisfies(e -> {
            assertThat(e.getBytesOut()).isEqualTo(5_000_000);
            assertThat(e.getBytesIn()).isZero();
            assertThat(e.getEventTime()).isEqualTo(Instant.ofEpochSecond(1418530010));
        });
        assertThat(rs).filteredOn(r -> r instanceof ParseResult.Skipped).hasSize(1);
        assertThat(rs)
                .filteredOn(r -> r instanceof ParseResult.Reject)
                .singleElement()
                .isInstanceOfSatisfying(
                        ParseResult.Reject.class, r -> assertThat(r.reason()).isEqualTo("negative bytes"));
    }

    @Test
    void vpcCustomFieldOrderFromHeader() {
        List<EgressEvent> ev = events(parse(
                new VpcFlowParser("v", ParserOptions.defaults()),
                String.join(
                        "\n",
                        "start srcaddr dstaddr dstport bytes protocol",
                        "1700000000 10.9.9.9 203.0.113.1 22 777 17")));
        assertThat(ev).singleElement().satisfies(e -> {
            assertThat(e.getBytesOut()).isEqualTo(777);
            assertThat(e.getProtocol()).isEqualTo("udp");
            assertThat(e.getDstPort()).isEqualTo(22);
        });
    }

    @Test
    void internalNetworksTellOutboundFlows() {
        InternalNetworks n = InternalNetworks.defaults();
        assertThat(n.isInternal("10.1.2.3")).isTrue();
        assertThat(n.isInternal("172.31.255.255")).isTrue();
        assertThat(n.isInternal("172.32.0.1")).isFalse();
        assertThat(n.isInternal("127.0.0.1")).isTrue();
        assertThat(n.isInternal("::1")).isTrue();
        assertThat(n.isInternal("fd00::5")).isTrue();
        assertThat(n.isInternal("example.com")).isFalse();
        assertThat(n.isOutbound("192.168.1.4", "203.0.113.5")).isTrue();
        assertThat(n.isOutbound("192.168.1.4", "10.0.0.1")).isFalse();
        assertThat(InternalNetworks.of(List.of("100.64.0.0/10")).isInternal("100.127.0.1"))
                .isTrue();
    }
}
