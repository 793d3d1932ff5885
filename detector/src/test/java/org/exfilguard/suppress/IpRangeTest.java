package org.exfilguard.suppress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    void cidrContainsItsAddressesOnly() {
        IpRange r = IpRange.parse("10.30.0.0/15");
        assertThat(r.contains("10.30.0.0")).isTrue();
        assertThat(r.contains("10.31.255.255")).isTrue();
        assertThat(r.contains("10.32.0.0")).isFalse();
        assertThat(r.contains("10.29.255.255")).isFalse();
    }

    @Test
    void hostBitsInTheNetworkAreIgnored() {
        assertThat(IpRange.parse("10.30.1.10/24").contains("10.30.1.200")).isTrue();
    }

    @Test
    void ipv6AndMappedIpv4() {
        IpRange v6 = IpRange.parse("2001:db8::/32");
        assertThat(v6.contains("2001:db8:1::5")).isTrue();
        assertThat(v6.contains("2001:db9::5")).isFalse();
        assertThat(v6.contains("10.0.0.1")).isFalse();
        assertThat(IpRange.parse("192.0.2.0/24").contains("::ffff:192.0.2.7")).isTrue();
    }

    @Test
    void unparseableCandidatesAreOutside() {
        IpRange r = IpRange.parse("0.0.0.0/0");
        assertThat(r.matchesEverything()).isTrue();
        assertThat(r.contains("db-host.example.com")).isFalse();
        assertThat(r.contains("")).isFalse();
        assertThat(r.contains(null)).isFalse();
        assertThat(r.contains("10.0.0.256")).isFalse();
    }

    @Test
    void refusesHostNamesAndBadPrefixes() {
        assertThatThrownBy(() -> IpRange.parse("backup.example.com")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> IpRange.parse("10.30.1")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> IpRange.parse("10.30.1.0/33")).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> IpRange.parse("10.30.1.0/")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> IpRange.parse("2001:db8::/129")).hasMessageContaining("0..128");
    }
}
