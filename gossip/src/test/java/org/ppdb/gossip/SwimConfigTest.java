package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SwimConfigTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  @Test
  void memberlistPresetMatchesDefaultLanConfig() {
    SwimConfig c = SwimConfig.memberlistLan();
    assertThat(c.probeIntervalNanos()).isEqualTo(1 * S);
    assertThat(c.probeTimeoutNanos()).isEqualTo(500 * MS);
    assertThat(c.indirectChecks()).isEqualTo(3);
    assertThat(c.suspicionMult()).isEqualTo(4);
    assertThat(c.suspicionMaxTimeoutMult()).isEqualTo(6);
    assertThat(c.awarenessMaxMultiplier()).isEqualTo(8);
    assertThat(c.retransmitMult()).isEqualTo(4);
    assertThat(c.gossipIntervalNanos()).isEqualTo(200 * MS);
    assertThat(c.gossipNodes()).isEqualTo(3);
    assertThat(c.gossipToTheDeadNanos()).isEqualTo(30 * S);
    assertThat(c.pushPullIntervalNanos()).isEqualTo(30 * S);
    assertThat(c.packetBytesMax()).isEqualTo(1400);
    assertThat(c.metadataBytesMax()).isEqualTo(512);
  }

  @Test
  void ppdbDefaultsAreValid() {
    SwimConfig c = SwimConfig.ppdbDefaults();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.probeTimeoutNanos()).isLessThan(c.probeIntervalNanos());
  }

  /** memberlist's util_test.go TestSuspicionTimeout: suspicionTimeout(3, n, 1s) / 3. */
  @Test
  void suspicionMinimumFollowsMemberlist() {
    SwimConfig c = SwimConfig.memberlistLan().toBuilder().suspicionMult(3).build();
    assertThat(c.suspicionMinNanos(5) / 3).isEqualTo(1000 * MS);
    assertThat(c.suspicionMinNanos(10) / 3).isEqualTo(1000 * MS);
    assertThat(c.suspicionMinNanos(50) / 3).isEqualTo(1698 * MS);
    assertThat(c.suspicionMinNanos(100) / 3).isEqualTo(2000 * MS);
    assertThat(c.suspicionMinNanos(500) / 3).isEqualTo(2698 * MS);
    assertThat(c.suspicionMinNanos(1000) / 3).isEqualTo(3000 * MS);
    assertThat(c.suspicionMaxNanos(1000)).isEqualTo(6 * c.suspicionMinNanos(1000));
  }

  @Test
  void confirmationsExpectedFollowMemberlist() {
    SwimConfig c = SwimConfig.memberlistLan();
    assertThat(c.suspicionConfirmationsExpected(1000)).isEqualTo(2);
    assertThat(c.suspicionConfirmationsExpected(4)).isEqualTo(2);
    assertThat(c.suspicionConfirmationsExpected(3)).isZero();
  }

  /** retransmitMult * ceil(log10(n + 1)). */
  @Test
  void retransmitLimitScalesWithLog10() {
    SwimConfig c = SwimConfig.memberlistLan().toBuilder().retransmitMult(3).build();
    assertThat(c.retransmitLimit(1)).isEqualTo(3);
    assertThat(c.retransmitLimit(9)).isEqualTo(3);
    assertThat(c.retransmitLimit(10)).isEqualTo(6);
    assertThat(c.retransmitLimit(99)).isEqualTo(6);
    assertThat(c.retransmitLimit(100)).isEqualTo(9);
    assertThat(SwimConfig.memberlistLan().retransmitLimit(10_000)).isEqualTo(20);
  }

  /** memberlist's util_test.go TestPushPullScale. */
  @Test
  void pushPullIntervalScalesLikeMemberlist() {
    SwimConfig c = SwimConfig.memberlistLan().toBuilder().pushPullIntervalNanos(S).build();
    for (int n = 0; n <= 32; n++) {
      assertThat(c.pushPullIntervalNanos(n)).as("n=%d", n).isEqualTo(S);
    }
    for (int n = 33; n <= 64; n++) {
      assertThat(c.pushPullIntervalNanos(n)).as("n=%d", n).isEqualTo(2 * S);
    }
    for (int n = 65; n <= 128; n++) {
      assertThat(c.pushPullIntervalNanos(n)).as("n=%d", n).isEqualTo(3 * S);
    }
    assertThat(c.pushPullIntervalNanos(10_000)).isEqualTo(10 * S);
  }

  @Test
  void invalidValuesAreRejectedWithTheirNames() {
    assertThatThrownBy(() -> SwimConfig.ppdbDefaults().toBuilder().probeIntervalNanos(0).build())
        .hasMessage("probeIntervalNanos: 0 (expected: > 0)");
    assertThatThrownBy(
            () ->
                SwimConfig.ppdbDefaults().toBuilder()
                    .probeTimeoutNanos(2 * S)
                    .probeIntervalNanos(S)
                    .build())
        .hasMessageStartingWith("probeTimeoutNanos: 2000000000 (expected: < probeIntervalNanos");
    assertThatThrownBy(() -> SwimConfig.ppdbDefaults().toBuilder().packetBytesMax(100).build())
        .hasMessage("packetBytesMax: 100 (expected: 256..65507)");
    assertThatThrownBy(() -> SwimConfig.ppdbDefaults().toBuilder().metadataBytesMax(1000).build())
        .hasMessageStartingWith("metadataBytesMax: 1000 (expected: <= packetBytesMax / 2");
  }
}
