package org.ppdb.peer.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HybridClockTest {

  private static final long T0 = 1_763_712_000_000L; // 2025-11-21T08:00:00Z

  @Test
  void followsPhysicalTimeWhenItAdvances() {
    AtomicLong wall = new AtomicLong(T0);
    HybridClock clock = new HybridClock(wall::get, 7, 1_000);
    long a = clock.now();
    wall.addAndGet(5);
    long b = clock.now();
    assertThat(HlcTimestamp.instantOf(a).toEpochMilli()).isEqualTo(T0);
    assertThat(HlcTimestamp.instantOf(b).toEpochMilli()).isEqualTo(T0 + 5);
    assertThat(HlcTimestamp.counterOf(b)).isZero();
    assertThat(HlcTimestamp.writerTagOf(b)).isEqualTo(7);
  }

  @Test
  void neverGoesBackwardsWhenPhysicalTimeDoes() {
    AtomicLong wall = new AtomicLong(T0);
    HybridClock clock = new HybridClock(wall::get, 1, 1_000);
    long before = clock.now();
    wall.addAndGet(-10_000); // an NTP step backwards
    long after = clock.now();
    assertThat(after).isGreaterThan(before);
    assertThat(HlcTimestamp.instantOf(after)).isEqualTo(HlcTimestamp.instantOf(before));
    assertThat(HlcTimestamp.counterOf(after)).isEqualTo(1);
  }

  @Test
  void counterOverflowBorrowsTheNextMillisecond() {
    HybridClock clock = new HybridClock(() -> T0, 0, 1_000);
    long previous = clock.now();
    for (int i = 0; i < HlcTimestamp.LOGICAL_MAX + 10; i++) {
      long next = clock.now();
      assertThat(next).isGreaterThan(previous);
      previous = next;
    }
    assertThat(HlcTimestamp.instantOf(previous).toEpochMilli()).isEqualTo(T0 + 1);
  }

  @Test
  void receivingALaterTimestampMovesTheClockPastIt() {
    HybridClock slow = new HybridClock(() -> T0, 1, 60_000);
    HybridClock fast = new HybridClock(() -> T0 + 30_000, 2, 60_000);
    long remote = fast.now();
    long received = slow.observe(remote);
    assertThat(received).isGreaterThan(remote);
    assertThat(slow.now()).isGreaterThan(received);
    assertThat(slow.skewWarnings()).isZero();
    assertThat(slow.maxRemoteAheadMillis()).isEqualTo(30_000);
  }

  @Test
  void remoteClockAheadBeyondTheBoundIsCounted() {
    HybridClock local = new HybridClock(() -> T0, 1, 500);
    HybridClock remote = new HybridClock(() -> T0 + 2_000, 2, 500);
    local.observe(remote.now());
    local.observe(new HybridClock(() -> T0 + 100, 3, 500).now());
    assertThat(local.skewWarnings()).isEqualTo(1);
  }

  @Test
  void causalOrderHoldsAcrossPeersWithSkewedClocks() {
    long seed = 0x5EEDL;
    SplittableRandom random = new SplittableRandom(seed);
    int peers = 5;
    AtomicLong[] walls = new AtomicLong[peers];
    HybridClock[] clocks = new HybridClock[peers];
    for (int i = 0; i < peers; i++) {
      walls[i] = new AtomicLong(T0 + random.nextLong(-3_000, 3_000));
      clocks[i] = new HybridClock(walls[i]::get, i, 10_000);
    }
    long lastSent = 0;
    int lastSender = 0;
    for (int step = 0; step < 10_000; step++) {
      int receiver = random.nextInt(peers);
      walls[receiver].addAndGet(random.nextLong(-2, 5));
      long received = clocks[receiver].observe(lastSent);
      assertThat(received)
          .as("seed %d step %d: a receive follows the send from peer %d", seed, step, lastSender)
          .isGreaterThan(lastSent);
      lastSent = clocks[receiver].now();
      lastSender = receiver;
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new HybridClock(() -> T0, 256, 1))
        .hasMessage("writerTag: 256 (expected: 0..255)");
    assertThatThrownBy(() -> new HybridClock(() -> T0, 0, 0))
        .hasMessage("skewWarningMillis: 0 (expected: > 0)");
  }

  @Test
  void layoutIsFrozen() {
    // Stored on disk and sent between peers: this value must never change.
    long version = HlcTimestamp.pack(HlcTimestamp.physicalFromEpochMillis(T0), 5, 0x3a);
    assertThat(Long.toHexString(version)).isEqualTo("2b470678000053a");
    assertThat(HlcTimestamp.format(version)).isEqualTo("2025-11-21T08:00:00Z+5@3a");
  }

  @Test
  void aClientVersionIsTakenAsItIsAndLaterLocalVersionsExceedIt() {
    HybridClock peer = new HybridClock(() -> T0, 1, 1_000);
    HybridClock client = new HybridClock(() -> T0 + 5_000, 9, 1_000); // 5 s ahead
    long stamped = client.now();
    assertThat(peer.clientVersionProblem(stamped)).isNull();
    assertThat(peer.acceptClientVersion(stamped)).isEqualTo(stamped);
    assertThat(peer.now()).isGreaterThan(stamped);
    assertThat(peer.skewWarnings()).isEqualTo(1); // counted like a remote clock ahead

    // Behind this peer's clock is fine too: the version stays the client's.
    HybridClock late = new HybridClock(() -> T0 - 60_000, 3, 1_000);
    long old = late.now();
    assertThat(peer.acceptClientVersion(old)).isEqualTo(old);
  }

  @Test
  void aClientVersionNotPositiveOrTooFarAheadIsRefusedAndLeavesTheClockAlone() {
    HybridClock peer = new HybridClock(() -> T0, 1, 1_000);
    long before = peer.now();
    long farAhead =
        new HybridClock(() -> T0 + HybridClock.CLIENT_AHEAD_MAX_MILLIS + 1, 2, 1_000).now();
    long justInside =
        new HybridClock(() -> T0 + HybridClock.CLIENT_AHEAD_MAX_MILLIS, 2, 1_000).now();
    // Nanoseconds since 1970 read as this layout: decades ahead.
    long nanos = T0 * 1_000_000;

    assertThat(peer.clientVersionProblem(0)).contains("not a version");
    assertThat(peer.clientVersionProblem(-5)).contains("not a version");
    assertThat(peer.clientVersionProblem(farAhead)).contains("ms ahead of this peer's clock");
    assertThat(peer.clientVersionProblem(nanos)).contains("ms ahead of this peer's clock");
    assertThatThrownBy(() -> peer.acceptClientVersion(farAhead))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 60000 ms");
    long after = peer.now();
    assertThat(HlcTimestamp.instantOf(after)).isEqualTo(HlcTimestamp.instantOf(before));
    assertThat(peer.clientVersionProblem(justInside)).isNull();
  }
}
