package org.ppdb.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressTest {

  @Test
  void ipv4ParsesPrintsAndGroupsBySlash24() {
    Address a = Address.parse("198.51.100.7:4000");
    assertThat(a.isIpv4()).isTrue();
    assertThat(a.toString()).isEqualTo("198.51.100.7:4000");
    assertThat(a).isEqualTo(Address.ipv4(198, 51, 100, 7, 4000));
    assertThat(a.sameSubnet(Address.parse("198.51.100.200:1"))).isTrue();
    assertThat(a.sameSubnet(Address.parse("198.51.101.7:4000"))).isFalse();
    assertThat(Address.of(a.ipBytes(), 4000)).isEqualTo(a);
  }

  @Test
  void ipv6ParsesPrintsAndGroupsBySlash64() throws Exception {
    Address a = Address.parse("[2001:db8:0:1::7]:4000");
    assertThat(a.isIpv4()).isFalse();
    assertThat(a.ipBytes()).isEqualTo(InetAddress.getByName("2001:db8:0:1::7").getAddress());
    assertThat(a.toString()).isEqualTo("[2001:db8:0:1:0:0:0:7]:4000");
    assertThat(Address.parse(a.toString())).isEqualTo(a);
    assertThat(a.sameSubnet(Address.parse("[2001:db8:0:1:ffff::1]:9"))).isTrue();
    assertThat(a.sameSubnet(Address.parse("[2001:db8:0:2::7]:4000"))).isFalse();
    assertThat(Address.parse("[::1]:1").ipBytes())
        .isEqualTo(InetAddress.getByName("::1").getAddress());
    // An IPv4 address never shares a subnet with an IPv6 one.
    assertThat(a.sameSubnet(Address.parse("10.0.0.1:1"))).isFalse();
  }

  @Test
  void malformedAddressesAreRejectedWithAClearMessage() {
    assertThatThrownBy(() -> Address.parse("10.0.0.1"))
        .hasMessage("address: 10.0.0.1 (expected: host:port)");
    assertThatThrownBy(() -> Address.parse("10.0.0.256:1"))
        .hasMessage("address: 10.0.0.256:1 (expected: octets 0..255)");
    assertThatThrownBy(() -> Address.parse("[1::2::3]:1"))
        .hasMessage("address: [1::2::3]:1 (expected: at most one '::')");
    assertThatThrownBy(() -> Address.ipv4(1, 70000))
        .hasMessage("port: 70000 (expected: >= 0 and <= 65535)");
    assertThatThrownBy(() -> Address.of(new byte[5], 1))
        .hasMessage("ip.length: 5 (expected: 4 or 16)");
  }
}
