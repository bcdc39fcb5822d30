package org.ppdb.peer.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.Test;

/**
 * What {@link MdnsDiscovery} refuses before it opens a socket. The real multicast exchange is in
 * {@link MdnsDiscoveryIT}, inside a network namespace; nothing here sends a packet.
 */
class MdnsDiscoveryTest {

  private static final MdnsAdvert SELF = new MdnsAdvert("default", "ab".repeat(20), 7946, 7947);

  @Test
  void anAddressOfNoLocalInterfaceIsRefusedBeforeAnythingStarts() throws Exception {
    InetAddress elsewhere = InetAddress.getByName("192.0.2.1"); // TEST-NET-1, never local
    assertThat(NetworkInterface.getByInetAddress(elsewhere)).isNull();
    assertThatThrownBy(() -> MdnsDiscovery.start(MdnsConfig.of(elsewhere, SELF), hint -> {}))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "mDNS: no local interface has address 192.0.2.1 (expected: the address of an"
                + " interface of this host)");
    assertThat(MdnsNamespaceProbe.jmdnsThreads()).isEmpty();
  }

  @Test
  void anInterfaceWithoutMulticastIsRefused() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    NetworkInterface lo = NetworkInterface.getByInetAddress(loopback);
    if (lo.supportsMulticast()) {
      assertThat(MdnsDiscovery.checkInterface(loopback)).isEqualTo(lo);
      return; // this host's loopback carries multicast; the refusal cannot be shown here
    }
    assertThatThrownBy(() -> MdnsDiscovery.start(MdnsConfig.of(loopback, SELF), hint -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not support multicast");
    assertThat(MdnsNamespaceProbe.jmdnsThreads()).isEmpty();
  }
}
