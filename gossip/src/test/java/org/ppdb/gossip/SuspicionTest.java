package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuspicionTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  /** memberlist's suspicion_test.go TestSuspicion_remainingSuspicionTime, as total timeouts. */
  @Test
  void timeoutShrinksWithConfirmationsLikeMemberlist() {
    assertThat(Suspicion.timeoutNanos(0, 3, 2 * S, 30 * S)).isEqualTo(30 * S);
    assertThat(Suspicion.timeoutNanos(1, 3, 2 * S, 30 * S)).isEqualTo(16 * S);
    assertThat(Suspicion.timeoutNanos(2, 3, 2 * S, 30 * S)).isEqualTo(7810 * MS);
    assertThat(Suspicion.timeoutNanos(3, 3, 2 * S, 30 * S)).isEqualTo(2 * S);
    assertThat(Suspicion.timeoutNanos(4, 3, 2 * S, 30 * S)).isEqualTo(2 * S);
  }

  @Test
  void onlyNewIndependentConfirmationsCount() {
    MemberId first = MemberId.of("a");
    Suspicion s = new Suspicion(7, first, 2, 2 * S, 12 * S, 100 * S);
    assertThat(s.deadlineNanos()).isEqualTo(112 * S);
    assertThat(s.confirm(first)).as("the first reporter is not a confirmation").isFalse();
    assertThat(s.confirm(null)).isFalse();
    assertThat(s.confirm(MemberId.of("b"))).isTrue();
    assertThat(s.confirm(MemberId.of("b"))).as("a duplicate").isFalse();
    assertThat(s.deadlineNanos()).isLessThan(112 * S).isGreaterThan(102 * S);
    assertThat(s.confirm(MemberId.of("c"))).isTrue();
    assertThat(s.deadlineNanos()).isEqualTo(102 * S);
    assertThat(s.confirm(MemberId.of("d"))).as("no more than expected").isFalse();
  }

  @Test
  void withoutExpectedConfirmationsTheMinimumApplies() {
    Suspicion s = new Suspicion(0, MemberId.of("a"), 0, 2 * S, 12 * S, 0);
    assertThat(s.deadlineNanos()).isEqualTo(2 * S);
    assertThat(s.takeFinalCheck()).as("nothing to confirm, no final check").isFalse();
  }

  @Test
  void finalCheckIsTakenOnceAndOnlyWhileUnconfirmed() {
    Suspicion s = new Suspicion(0, MemberId.of("a"), 2, 2 * S, 12 * S, 0);
    assertThat(s.takeFinalCheck()).isTrue();
    assertThat(s.takeFinalCheck()).isFalse();
    Suspicion confirmed = new Suspicion(0, MemberId.of("a"), 2, 2 * S, 12 * S, 0);
    confirmed.confirm(MemberId.of("b"));
    assertThat(confirmed.takeFinalCheck()).isFalse();
  }
}
