package org.exfilguard.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of CIDR blocks that count as internal, so callers can tell outbound flows (internal source, external
 * destination). Parsers emit every flow; filtering is the caller's choice. Never resolves names: only IP literals
 * are accepted.
 */
public final class InternalNetworks {

    /** RFC 1918, loopback, and their IPv6 counterparts (loopback and unique-local fc00::/7). */
    public static final List<String> DEFAULT_CIDRS =
            List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", "fc00::/7");

    private record Block(byte[] network, int prefix) {}

    private final List<Block> blocks;
    private final List<String> cidrs;
    /** The IPv4 blocks as (network, mask) pairs: a flow's addresses are tested without parsing them into bytes. */
    private final long[] v4Networks;

    private final long[] v4Masks;

    private InternalNetworks(List<Block> blocks, List<String> cidrs) {
        this.blocks = blocks;
        this.cidrs = cidrs;
        List<Block> v4 = blocks.stream().filter(b -> b.network.length == 4).toList();
        this.v4Networks = new long[v4.size()];
        this.v4Masks = new long[v4.size()];
        for (int i = 0; i < v4.size(); i++) {
            Block b = v4.get(i);
            long mask = b.prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - b.prefix)) & 0xFFFF_FFFFL;
            v4Masks[i] = mask;
            v4Networks[i] = toLong(b.network) & mask;
        }
    }

    private static long toLong(byte[] v4) {
        return ((v4[0] & 0xFFL) << 24) | ((v4[1] & 0xFFL) << 16) | ((v4[2] & 0xFFL) << 8) | (v4[3] & 0xFFL);
    }

    public static InternalNetworks defaults() {
        return of(DEFAULT_CIDRS);
    }

    /** @throws IllegalArgumentException for a malformed CIDR (configuration error, reported at start-up) */
    public static InternalNetworks of(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String c : cidrs) {
            String s = c.trim();
            int slash = s.indexOf('/');
            byte[] addr = parse(slash < 0 ? s : s.substring(0, slash));
            if (addr == null) {
                throw new IllegalArgumentException("not a CIDR block: " + c);
            }
            int prefix;
            try {
                prefix = slash < 0 ? addr.length * 8 : Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR block: " + c);
            }
            if (prefix < 0 || prefix > addr.length * 8) {
                throw new IllegalArgumentException("prefix out of range: " + c);
            }
            blocks.add(new Block(addr, prefix));
        }
        return new InternalNetworks(List.copyOf(blocks), List.copyOf(cidrs));
    }

    public List<String> cidrs() {
        return cidrs;
    }

    /** True when {@code ip} is an IP literal inside one of the blocks; false for anything else, names included. */
    public boolean isInternal(String ip) {
        if (ip != null && ip.indexOf(':') < 0) {
            long v4 = parseV4(ip);
            for (int i = 0; i < v4Networks.length && v4 >= 0; i++) {
                if ((v4 & v4Masks[i]) == v4Networks[i]) {
                    return true;
                }
            }
            return false;
        }
        byte[] a = parse(ip);
        if (a == null) {
            return false;
        }
        for (Block b : blocks) {
            if (b.network.length == a.length && matches(b, a)) {
                return true;
            }
        }
        return false;
    }

    /** An outbound flow: internal source, external destination. */
    public boolean isOutbound(String srcIp, String dstIp) {
        return isInternal(srcIp) && !isInternal(dstIp) && parse(dstIp) != null;
    }

    private static boolean matches(Block b, byte[] a) {
        int full = b.prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b.network[i]) {
                return false;
            }
        }
        int rest = b.prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (b.network[full] & mask);
    }

    /** True for an IPv4 dotted quad or an IPv6 literal; never looks a name up. */
    public static boolean isIpLiteral(String s) {
        return parse(s) != null;
    }

    /** IPv4 dotted quad or IPv6 literal; null otherwise (no DNS lookups). */
    static byte[] parse(String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        if (ip.indexOf(':') >= 0) {
            for (int i = 0; i < ip.length(); i++) {
                char c = ip.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return null;
                }
            }
            try {
                // In brackets the JDK accepts only an IPv6 literal: "a:b" would otherwise go to the resolver.
                return InetAddress.getByName("[" + ip + "]").getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        long v4 = parseV4(ip);
        if (v4 < 0) {
            return null;
        }
        return new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
    }

    /** An IPv4 dotted quad as an unsigned 32-bit value, or -1. */
    private static long parseV4(String ip) {
        long out = 0;
        int part = 0;
        int value = -1;
        for (int i = 0; i <= ip.length(); i++) {
            char c = i < ip.length() ? ip.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return -1;
                }
                out = (out << 8) | value;
                part++;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return part == 4 ? out : -1;
    }
}
