package org.exfilguard.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The IPv4 path tests an address as a number against (network, mask) pairs: the same answers as by prefix bits. */
class InternalNetworksTest {

    @Test
    void anIpv4AddressIsInsideExactlyTheBlocksWhosePrefixBitsItShares() {
        SplittableRandom random = new SplittableRandom(3);
        for (int round = 0; round < 200; round++) {
            List<String> cidrs = new ArrayList<>();
            List<long[]> reference = new ArrayList<>();
            for (int b = 0; b < 1 + random.nextInt(4); b++) {
                long network = random.nextLong(1L << 32);
                int prefix = random.nextInt(33);
                cidrs.add(dotted(network) + "/" + prefix);
                reference.add(new long[] {network, prefix});
            }
            InternalNetworks networks = InternalNetworks.of(cidrs);
            for (int i = 0; i < 200; i++) {
                long[] near = reference.get(random.nextInt(reference.size()));
                // Half of the addresses share a random number of leading bits with a block's network.
                long drawn = random.nextBoolean()
                        ? random.nextLong(1L << 32)
                        : (near[0] & ~((1L << random.nextInt(33)) - 1)) | random.nextLong(1L << random.nextInt(33));
                long address = drawn & 0xFFFF_FFFFL;
                boolean inside = reference.stream().anyMatch(r -> sharesPrefix(address, r[0], (int) r[1]));
                assertThat(networks.isInternal(dotted(address)))
                        .as("%s in %s", dotted(address), cidrs)
                        .isEqualTo(inside);
            }
        }
    }

    @Test
    void whatIsNotADottedQuadIsNeitherInternalNorALiteral() {
        InternalNetworks all = InternalNetworks.of(List.of("0.0.0.0/0"));
        assertThat(all.isInternal("203.0.113.5")).isTrue();
        for (String bad : List.of(
                "",
                "1.2.3",
                "1.2.3.4.5",
                "256.1.1.1",
                "1..2.3",
                "1.2.3.4 ",
                " 1.2.3.4",
                "a.b.c.d",
                ".1.2.3",
                "1.2.3.")) {
            assertThat(all.isInternal(bad)).as("'%s'", bad).isFalse();
            assertThat(InternalNetworks.isIpLiteral(bad)).as("'%s'", bad).isFalse();
        }
        assertThat(all.isInternal(null)).isFalse();
        assertThat(InternalNetworks.isIpLiteral("010.001.000.255")).isTrue();
        assertThat(InternalNetworks.of(List.of("10.0.0.0/8")).isInternal("010.001.000.255"))
                .isTrue();
    }

    private static boolean sharesPrefix(long address, long network, int prefix) {
        return prefix == 0 || (address >>> (32 - prefix)) == (network >>> (32 - prefix));
    }

    private static String dotted(long v) {
        return (v >>> 24 & 255) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255);
    }
}
