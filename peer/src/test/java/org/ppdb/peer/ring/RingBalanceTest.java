package org.ppdb.peer.ring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RingBalanceTest {

  @Test
  void moreTokensBalanceBetter() {
    RingBalance.Result few = RingBalance.measure(50, 4, 3, 9, 11);
    RingBalance.Result many = RingBalance.measure(50, 128, 3, 9, 11);
    assertThat(few.medianMaxOverMean()).isGreaterThan(many.medianMaxOverMean());
    assertThat(many.medianMaxOverMean()).isBetween(1.0, 1.3);
  }

  @Test
  void replicationOverEveryMemberIsPerfectlyBalanced() {
    RingBalance.Result result = RingBalance.measure(3, 4, 3, 5, 1);
    assertThat(result.medianMaxOverMean())
        .isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void sameSeedSameResult() {
    assertThat(RingBalance.measure(10, 8, 3, 5, 3)).isEqualTo(RingBalance.measure(10, 8, 3, 5, 3));
  }
}
