package org.ppdb.simulation.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.ppdb.dht.Address;

class DhtClusterTest {

  @Test
  void addressesMapBackToTheirNodeAndEachHasItsOwnSlash24() {
    for (int i : new int[] {0, 1, 255, 256, 65_535, 65_536, 100_000, (1 << 22) - 1}) {
      Address a = DhtCluster.address(i);
      assertThat(DhtCluster.index(a)).isEqualTo(i);
      if (i > 0) {
        assertThat(a.sameSubnet(DhtCluster.address(i - 1))).as("node %d", i).isFalse();
      }
    }
    assertThatThrownBy(() -> DhtCluster.index(Address.ipv4(192, 168, 0, 1, 4000)))
        .hasMessageContaining("expected: a simulated node");
  }
}
