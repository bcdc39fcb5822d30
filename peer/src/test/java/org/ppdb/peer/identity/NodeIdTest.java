package org.ppdb.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeIdTest {
  @Test
  void hexRoundTripsAndOrderIsUnsigned() {
    NodeId low = NodeId.fromHex("7f" + "00".repeat(19));
    NodeId high = NodeId.fromHex("80" + "00".repeat(19));
    assertThat(low.compareTo(high)).isNegative();
    assertThat(NodeId.fromHex(high.toHex())).isEqualTo(high);
    assertThat(high.toShortHex()).isEqualTo("80000000");
  }

  @Test
  void wrongLengthsAreRejectedWithTheExpectedValue() {
    assertThatThrownBy(() -> NodeId.of(new byte[19]))
        .hasMessage("node id length: 19 (expected: 20)");
    assertThatThrownBy(() -> NodeId.ofPublicKey(new byte[31]))
        .hasMessage("Ed25519 public key length: 31 (expected: 32)");
  }

  @Test
  void bytesAreCopiedInAndOut() {
    byte[] bytes = new byte[20];
    NodeId id = NodeId.of(bytes);
    bytes[0] = 1;
    id.toBytes()[1] = 1;
    assertThat(id.toBytes()).containsOnly(0);
  }
}
