package org.exfilguard.suppress;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** One address or a CIDR block, IPv4 or IPv6; {@code 10.30.1.10} is {@code 10.30.1.10/32}. */
public final class IpRange {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    // Only hex digits, colons and dots: such text is never sent to DNS by InetAddress.getByName.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String text;
    private final byte[] network;
    private final int prefixLength;
    private final boolean hostBitsSet;

    private IpRange(String text, byte[] network, int prefixLength, boolean hostBitsSet) {
        this.text = text;
        this.network = network;
        this.prefixLength = prefixLength;
        this.hostBitsSet = hostBitsSet;
    }

    /** Parses {@code a.b.c.d}, {@code a.b.c.d/n} or their IPv6 forms; host names are refused, never resolved. */
    public static IpRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] address = literalAddress(addressText)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR block: '" + trimmed + "'"));
        int maxBits = address.length * 8;
        int prefix = maxBits;
        if (slash >= 0) {
            String bits = trimmed.substring(slash + 1);
            if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > maxBits) {
                throw new IllegalArgumentException("prefix length must be 0.." + maxBits + " in '" + trimmed + "'");
            }
            prefix = Integer.parseInt(bits);
        }
        byte[] network = mask(address, prefix);
        return new IpRange(trimmed, network, prefix, !java.util.Arrays.equals(address, network));
    }

    /** True when {@code ip} is a literal address inside this range; anything unparseable is outside. */
    public boolean contains(String ip) {
        if (ip == null) {
            return false;
        }
        Optional<byte[]> address = literalAddress(ip.strip());
        return address.isPresent()
                && address.get().length == network.length
                && java.util.Arrays.equals(mask(address.get(), prefixLength), network);
    }

    /** A /0 block: it does not narrow a rule. */
    public boolean matchesEverything() {
        return prefixLength == 0;
    }

    /** True when the text sets bits below the prefix ({@code 10.0.0.1/8}): the block is {@code 10.0.0.0/8}. */
    public boolean hostBitsSet() {
        return hostBitsSet;
    }

    /** The block in its canonical form, network address and prefix length: {@code 10.0.0.0/8}. */
    public String canonical() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    /** 32 for an IPv4 block, 128 for IPv6. */
    int addressBits() {
        return network.length * 8;
    }

    /** The first address of the block, as an unsigned number. */
    BigInteger first() {
        return new BigInteger(1, network);
    }

    /** The last address of the block, as an unsigned number. */
    BigInteger last() {
        return first().add(BigInteger.ONE.shiftLeft(addressBits() - prefixLength))
                .subtract(BigInteger.ONE);
    }

    private static Optional<byte[]> literalAddress(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            // IPv4-mapped IPv6 text comes back as an Inet4Address, so it is compared as the IPv4 address it is.
            return Optional.of(InetAddress.getByName(text).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsHere = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xFF << (8 - bitsHere));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
