package org.ppdb.simulation;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetworkConfigTest {

  @Test
  void rejectsOutOfRangeValuesNamingThem() {
    assertThatThrownBy(() -> NetworkConfig.LAN.withLoss(1.0))
        .hasMessage("lossProbability: 1.0 (expected: in [0, 1))");
    assertThatThrownBy(() -> new NetworkConfig(-1, 0, 0, 0, 0, 0, 0))
        .hasMessage("latencyMinNanos: -1 (expected: >= 0)");
    assertThatThrownBy(() -> new Fault.Loss(-0.1))
        .hasMessage("probability: -0.1 (expected: in [0, 1))");
  }
}
