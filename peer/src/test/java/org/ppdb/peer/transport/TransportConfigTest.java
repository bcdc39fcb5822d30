package org.ppdb.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.ppdb.peer.security.DatagramSealer;

class TransportConfigTest {
  @Test
  void defaultsHoldTheirRelationships() {
    TransportConfig defaults = TransportConfig.defaults();
    assertThat(defaults.datagramBytesMax() - DatagramSealer.SEALED_OVERHEAD_BYTES)
        .as("payload left in a sealed datagram")
        .isEqualTo(1_336);
    assertThat(TransportConfig.DATAGRAM_BYTES_MIN)
        .isGreaterThan(
            Math.max(DatagramSealer.SEALED_OVERHEAD_BYTES, DatagramSealer.OPEN_OVERHEAD_BYTES));
    assertThat(defaults.writeBufferLowBytes()).isLessThanOrEqualTo(defaults.writeBufferHighBytes());
    assertThat(defaults.idleTimeoutMillis()).isGreaterThan(defaults.handshakeTimeoutMillis());
    assertThat(defaults.reconnectBackoffMinMillis())
        .isLessThanOrEqualTo(defaults.reconnectBackoffMaxMillis());
  }

  @Test
  void violatedLimitsAreRefusedWithTheExpectedRange() {
    TransportConfig defaults = TransportConfig.defaults();
    assertThatThrownBy(() -> defaults.withAddress("127.0.0.1", 70_000, 0))
        .hasMessage("udpPort: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> defaults.withLimits(17 << 20, 0, 1, 120_000))
        .hasMessage("inboundConnectionsMax: 0 (expected: 1..1000000)");
    assertThatThrownBy(() -> defaults.withLimits(17 << 20, 1, 1, 5_000))
        .hasMessage("idleTimeoutMillis: 5000 (expected: > handshakeTimeoutMillis 5000)");
    assertThatThrownBy(() -> defaults.withReconnectBackoff(1_000, 999))
        .hasMessage("reconnectBackoffMaxMillis: 999 (expected: 1000..9223372036854775807)");
  }
}
