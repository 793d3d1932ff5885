package org.exfilguard.ingest;

import java.util.List;

/**
 * Zeek's default conn.log columns, in its order: what the parser assumes for TSV without a {@code #fields} header, and
 * what the simulator writes, so the two cannot drift apart.
 */
public final class ZeekConnColumns {

    public static final List<String> DEFAULT = List.of(
            "ts",
            "uid",
            "id.orig_h",
            "id.orig_p",
            "id.resp_h",
            "id.resp_p",
            "proto",
            "service",
            "duration",
            "orig_bytes",
            "resp_bytes",
            "conn_state",
            "local_orig",
            "local_resp",
            "missed_bytes",
            "history",
            "orig_pkts",
            "orig_ip_bytes",
            "resp_pkts",
            "resp_ip_bytes",
            "tunnel_parents");

    private ZeekConnColumns() {}
}
