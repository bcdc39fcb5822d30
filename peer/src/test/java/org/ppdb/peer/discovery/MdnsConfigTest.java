package org.ppdb.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class MdnsConfigTest {

  private static final MdnsAdvert SELF = new MdnsAdvert("default", "ab".repeat(20), 7946, 7947);

  @Test
  void defaultsDeriveNamesFromTheNodeId() throws Exception {
    MdnsConfig config = MdnsConfig.of(InetAddress.getByName("10.200.0.1"), SELF);
    assertThat(config.serviceType()).isEqualTo("_ppdb._udp.local.");
    assertThat(config.hostName()).isEqualTo("ppdb-abababababab");
    assertThat(config.instanceName())
        .isEqualTo("ppdb-" + "ab".repeat(20))
        .hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void wildcardAndMulticastBindAddressesAreRefused() {
    assertThatThrownBy(() -> MdnsConfig.of(InetAddress.getByName("0.0.0.0"), SELF))
        .hasMessage("bindAddress: 0.0.0.0 (expected: the unicast address of one interface)");
    assertThatThrownBy(() -> MdnsConfig.of(InetAddress.getByName("224.0.0.251"), SELF))
        .hasMessageStartingWith("bindAddress: 224.0.0.251");
  }

  @Test
  void badNamesAndLimitsAreRefused() throws Exception {
    InetAddress bind = InetAddress.getByName("10.200.0.1");
    assertThatThrownBy(() -> new MdnsConfig(bind, "_ppdb._udp.local", "h", SELF, 1, 1))
        .hasMessage("serviceType: '_ppdb._udp.local' (expected: like _ppdb._udp.local.)");
    assertThatThrownBy(() -> new MdnsConfig(bind, "_ppdb._udp.local.", "H_", SELF, 1, 1))
        .hasMessageStartingWith("hostName: 'H_'");
    assertThatThrownBy(() -> new MdnsConfig(bind, "_ppdb._udp.local.", "h", SELF, 0, 1))
        .hasMessage("trackedInstancesMax: 0 (expected: > 0)");
    assertThatThrownBy(() -> new MdnsConfig(bind, "_ppdb._udp.local.", "h", SELF, 1, 0))
        .hasMessage("addressesPerPeerMax: 0 (expected: > 0)");
  }

  @Test
  void theDisabledSourceIsInactiveAndHarmless() {
    LanDiscovery off = LanDiscovery.disabled();
    off.close();
    assertThat(off.active()).isFalse();
    assertThat(off.stats()).isEqualTo(DiscoveryStats.ZERO);
  }
}
