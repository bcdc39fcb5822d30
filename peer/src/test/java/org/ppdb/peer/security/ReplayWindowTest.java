package org.ppdb.peer.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.security.ReplayWindow.Verdict;

class ReplayWindowTest {
  private static byte[] nonce(long value) {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[4 + i] = (byte) (value >>> (56 - 8 * i));
    }
    return nonce;
  }

  @Test
  void fullWindowForgetsTheOldestAndRejectsEverythingAtOrBelowIt() {
    ReplayWindow window = new ReplayWindow(1_000, 1_000, 3);
    assertThat(window.check(100, nonce(1), 0, 100)).isEqualTo(Verdict.ACCEPTED);
    assertThat(window.check(101, nonce(2), 0, 101)).isEqualTo(Verdict.ACCEPTED);
    assertThat(window.check(102, nonce(3), 0, 102)).isEqualTo(Verdict.ACCEPTED);
    assertThat(window.check(103, nonce(4), 0, 103)).isEqualTo(Verdict.ACCEPTED);
    assertThat(window.size()).isEqualTo(3);
    // nonce 1 at 100 was forgotten: its replay must still fail, as stale.
    assertThat(window.check(100, nonce(1), 0, 104)).isEqualTo(Verdict.STALE);
    assertThat(window.check(101, nonce(2), 0, 104)).isEqualTo(Verdict.REPLAYED);
  }

  @Test
  void noReplayIsEverAcceptedUnderRandomTraffic() {
    long seed = 0x5eed_0002L;
    SplittableRandom random = new SplittableRandom(seed);
    ReplayWindow window = new ReplayWindow(500, 100, 64);
    Set<String> accepted = new HashSet<>();
    long now = 10_000;
    for (int i = 0; i < 20_000; i++) {
      now += random.nextInt(0, 3);
      long timestamp = now - random.nextInt(0, 700) + 100;
      long nonce = random.nextInt(0, 200);
      Verdict verdict = window.check(timestamp, nonce(nonce), 0, now);
      if (verdict == Verdict.ACCEPTED) {
        assertThat(accepted.add(timestamp + "/" + nonce)).as("seed %d step %d", seed, i).isTrue();
      }
      assertThat(window.size()).isLessThanOrEqualTo(64);
    }
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new ReplayWindow(0, 0, 1))
        .hasMessage("maxAgeMillis: 0 (expected: > 0)");
    assertThatThrownBy(() -> new ReplayWindow(1, 0, 0)).hasMessage("capacity: 0 (expected: > 0)");
  }
}
