package org.ppdb.peer.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ProtectedModeTest {
  @Test
  void withoutPasswordOrBindOnlyLoopback() {
    assertThat(ProtectedMode.resolve(null, false))
        .isEqualTo(new ProtectedMode.ClientBind("127.0.0.1", true));
    assertThat(ProtectedMode.resolve("  ", false))
        .isEqualTo(new ProtectedMode.ClientBind("127.0.0.1", true));
  }

  @Test
  void passwordOpensAllInterfaces() {
    assertThat(ProtectedMode.resolve(null, true))
        .isEqualTo(new ProtectedMode.ClientBind("0.0.0.0", false));
  }

  @Test
  void explicitBindIsObeyedWithOrWithoutPassword() {
    assertThat(ProtectedMode.resolve("10.0.0.5", false))
        .isEqualTo(new ProtectedMode.ClientBind("10.0.0.5", false));
    assertThat(ProtectedMode.resolve(" 0.0.0.0 ", true))
        .isEqualTo(new ProtectedMode.ClientBind("0.0.0.0", false));
  }

  @Test
  void protectedModeAdmitsLoopbackOnly() throws Exception {
    InetAddress remote = InetAddress.getByAddress(new byte[] {10, 1, 2, 3});
    assertThat(ProtectedMode.admits(true, InetAddress.getLoopbackAddress())).isTrue();
    assertThat(ProtectedMode.admits(true, InetAddress.getByName("::1"))).isTrue();
    assertThat(ProtectedMode.admits(true, remote)).isFalse();
    assertThat(ProtectedMode.admits(false, remote)).isTrue();
  }
}
