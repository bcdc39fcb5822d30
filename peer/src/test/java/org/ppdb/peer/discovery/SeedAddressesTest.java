package org.ppdb.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedAddressesTest {

  @Test
  void parsesNamesIpv4AndBracketedIpv6InOrder() {
    assertThat(SeedAddresses.parse("seed1.example.org:7946, 192.0.2.7:1,[2001:DB8::7]:65535"))
        .containsExactly(
            new SeedAddress("seed1.example.org", 7946),
            new SeedAddress("192.0.2.7", 1),
            new SeedAddress("2001:db8::7", 65535));
  }

  @Test
  void blankOrNullMeansNoSeeds() {
    assertThat(SeedAddresses.parse(null)).isEmpty();
    assertThat(SeedAddresses.parse("")).isEmpty();
    assertThat(SeedAddresses.parse("  ")).isEmpty();
  }

  @Test
  void repeatsAreKeptOnceAndNamesAreLowerCased() {
    assertThat(SeedAddresses.parse("Peer-1.LAN:7946,peer-1.lan:7946,peer-1.lan.:7946,peer-2:7946"))
        .containsExactly(new SeedAddress("peer-1.lan", 7946), new SeedAddress("peer-2", 7946));
  }

  @Test
  void toStringRoundTrips() {
    List<SeedAddress> seeds = SeedAddresses.parse("a.b:1,[::1]:2,10.0.0.1:3,[fe80::1%eth0]:4");
    String text = String.join(",", seeds.stream().map(SeedAddress::toString).toList());
    assertThat(text).isEqualTo("a.b:1,[::1]:2,10.0.0.1:3,[fe80::1%eth0]:4");
    assertThat(SeedAddresses.parse(text)).isEqualTo(seeds);
    assertThat(seeds.get(0).unresolved().isUnresolved()).isTrue();
  }

  @Test
  void missingPortIsRefusedWithTheEntryNamed() {
    assertThatThrownBy(() -> SeedAddresses.parse("a:1,peer2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed 2 of 2 'peer2': missing port (expected: host:port)");
    assertThatThrownBy(() -> SeedAddresses.parse("peer2:"))
        .hasMessage("seed 1 of 1 'peer2:': missing port (expected: host:port)");
    assertThatThrownBy(() -> SeedAddresses.parse("[::1]"))
        .hasMessage("seed 1 of 1 '[::1]': missing port (expected: [ipv6]:port)");
  }

  @Test
  void badPortsAreRefused() {
    assertThatThrownBy(() -> SeedAddresses.parse("peer:0"))
        .hasMessage("seed 1 of 1 'peer:0': port 0 (expected: 1-65535)");
    assertThatThrownBy(() -> SeedAddresses.parse("peer:65536"))
        .hasMessage("seed 1 of 1 'peer:65536': port 65536 (expected: 1-65535)");
    assertThatThrownBy(() -> SeedAddresses.parse("peer:http"))
        .hasMessage("seed 1 of 1 'peer:http': port 'http' (expected: a number from 1 to 65535)");
    assertThatThrownBy(() -> SeedAddresses.parse("peer:-1")).hasMessageContaining("port '-1'");
    assertThatThrownBy(() -> SeedAddresses.parse("peer:123456"))
        .hasMessageContaining("port '123456'");
  }

  @Test
  void emptyEntriesAreRefused() {
    assertThatThrownBy(() -> SeedAddresses.parse("a:1,,b:2"))
        .hasMessage("seed 2 of 3: empty (expected: host:port)");
    assertThatThrownBy(() -> SeedAddresses.parse("a:1,"))
        .hasMessage("seed 2 of 2: empty (expected: host:port)");
    assertThatThrownBy(() -> SeedAddresses.parse(":7946"))
        .hasMessage("seed 1 of 1 ':7946': missing host (expected: host:port)");
  }

  @Test
  void unbracketedIpv6IsRefusedWithAHint() {
    assertThatThrownBy(() -> SeedAddresses.parse("::1:7946"))
        .hasMessage(
            "seed 1 of 1 '::1:7946': IPv6 address without brackets (expected: [ipv6]:port)");
  }

  @Test
  void invalidAddressesAndNamesAreRefused() {
    assertThatThrownBy(() -> SeedAddresses.parse("256.1.1.1:1"))
        .hasMessageContaining("'256.1.1.1' is not a valid IPv4 address");
    assertThatThrownBy(() -> SeedAddresses.parse("1.2.3:1"))
        .hasMessageContaining("'1.2.3' is not a valid IPv4 address");
    assertThatThrownBy(() -> SeedAddresses.parse("[1:2:3:4:5:6:7:8:9]:1"))
        .hasMessageContaining("is not a valid IPv6 address");
    assertThatThrownBy(() -> SeedAddresses.parse("[peer]:1"))
        .hasMessageContaining("'peer' is not a valid IPv6 address");
    assertThatThrownBy(() -> SeedAddresses.parse("[::1:1")).hasMessageContaining("missing ']'");
    assertThatThrownBy(() -> SeedAddresses.parse("pe_er:1"))
        .hasMessageContaining("host label 'pe_er'");
    assertThatThrownBy(() -> SeedAddresses.parse("-peer:1"))
        .hasMessageContaining("host label '-peer'");
    assertThatThrownBy(() -> SeedAddresses.parse("a..b:1")).hasMessageContaining("host label ''");
    assertThatThrownBy(() -> SeedAddresses.parse("a b:1")).hasMessageContaining("host label 'a b'");
    assertThatThrownBy(() -> SeedAddresses.parse("x".repeat(64) + ":1"))
        .hasMessageContaining("host label");
  }

  @Test
  void limitsAreEnforced() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= SeedAddresses.SEEDS_COUNT_MAX; i++) {
      many.append(i == 0 ? "" : ",").append("p").append(i).append(":1");
    }
    assertThatThrownBy(() -> SeedAddresses.parse(many.toString()))
        .hasMessage(
            "seeds: "
                + (SeedAddresses.SEEDS_COUNT_MAX + 1)
                + " entries (expected: <= "
                + SeedAddresses.SEEDS_COUNT_MAX
                + ")");
    String huge = "a".repeat(SeedAddresses.SEEDS_TEXT_CHARS_MAX + 1);
    assertThatThrownBy(() -> SeedAddresses.parse(huge)).hasMessageContaining("characters");
    String longName = ("a".repeat(63) + ".").repeat(4) + "b:1"; // 257 characters
    assertThatThrownBy(() -> SeedAddresses.parse(longName))
        .hasMessageContaining("host name of 257 characters (expected: <= 253)");
  }

  @Test
  void parseOneParsesASingleEntry() {
    assertThat(SeedAddresses.parseOne(" localhost:7946 "))
        .isEqualTo(new SeedAddress("localhost", 7946));
    assertThatThrownBy(() -> SeedAddresses.parseOne(null)).hasMessageContaining("empty");
  }
}
