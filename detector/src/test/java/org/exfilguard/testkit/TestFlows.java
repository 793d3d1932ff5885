package org.exfilguard.testkit;

import java.time.Instant;
import org.exfilguard.schema.EgressEvent;

/** Builder for egress flows: {@code TestFlows.flow().from("10.0.0.1").to("198.51.100.7").bytesOut(5_000_000).at(t)}. */
public final class TestFlows {

    private TestFlows() {}

    public static Flow flow() {
        return new Flow();
    }

    /** An outbound flow; defaults: 10.0.0.1 to 93.184.216.34:443, 20 kB out. */
    public static final class Flow {
        private String src = "10.0.0.1";
        private String dst = "93.184.216.34";
        private Integer port = 443;
        private long bytesOut = 20_000;
        private Instant at = Instant.parse("2026-03-02T10:00:00Z");

        public Flow from(String src) {
            this.src = src;
            return this;
        }

        public Flow to(String dst) {
            this.dst = dst;
            return this;
        }

        public Flow port(int port) {
            this.port = port;
            return this;
        }

        public Flow bytesOut(long bytesOut) {
            this.bytesOut = bytesOut;
            return this;
        }

        public Flow at(Instant at) {
            this.at = at;
            return this;
        }

        public EgressEvent build() {
            return EgressEvent.newBuilder()
                    .setEventTime(at)
                    .setSrcIp(src)
                    .setSrcHost(null)
                    .setAccount(null)
                    .setDstIp(dst)
                    .setDstHost(null)
                    .setDstPort(port)
                    .setProtocol("tcp")
                    .setBytesOut(bytesOut)
                    .setBytesIn(bytesOut / 10)
                    .setSourceFormat("test")
                    .build();
        }
    }
}
