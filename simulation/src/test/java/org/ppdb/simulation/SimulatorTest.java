package org.ppdb.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("sim")
class SimulatorTest {

  private static final long MS = 1_000_000;
  private static final long SECOND = 1_000 * MS;

  private static Simulator<PingNode.Message> cluster(
      long seed, int n, NetworkConfig network, Consumer<Simulator<PingNode.Message>> faults) {
    Simulator<PingNode.Message> sim = new Simulator<>(seed, network, PingNode.TRAITS);
    for (int i = 0; i < n; i++) {
      sim.addNode(
          (index, random, life) -> new PingNode(index, n, 100 * MS, random), new NodeClock(0, 0));
    }
    for (int i = 0; i < n; i++) {
      sim.apply(new Fault.Start(i));
    }
    faults.accept(sim);
    return sim;
  }

  private static PingNode ping(Simulator<PingNode.Message> sim, int node) {
    return (PingNode) sim.node(node);
  }

  private static final NetworkConfig NOISY =
      NetworkConfig.LAN.withLoss(0.05).withDisorder(0.02, 0.05, 5 * MS);

  @Test
  void sameSeedGivesTheSameTraceHash() {
    for (long seed = 1; seed <= 5; seed++) {
      Simulator<PingNode.Message> a = cluster(seed, 20, NOISY, s -> {});
      Simulator<PingNode.Message> b = cluster(seed, 20, NOISY, s -> {});
      a.runUntil(10 * SECOND);
      b.runUntil(10 * SECOND);
      assertThat(a.trace().hex()).as("seed %d", seed).isEqualTo(b.trace().hex());
      assertThat(a.stats()).as("seed %d", seed).isEqualTo(b.stats());
      assertThat(a.stats().messagesDelivered()).as("seed %d", seed).isGreaterThan(3_000);
    }
  }

  @Test
  void differentSeedsGiveDifferentTraceHashes() {
    Simulator<PingNode.Message> a = cluster(1, 20, NOISY, s -> {});
    Simulator<PingNode.Message> b = cluster(2, 20, NOISY, s -> {});
    a.runUntil(5 * SECOND);
    b.runUntil(5 * SECOND);
    assertThat(a.trace().value()).isNotEqualTo(b.trace().value());
  }

  @Test
  void lossDuplicationAndDisorderAreCountedAtRoughlyTheirRates() {
    long seed = 7;
    Simulator<PingNode.Message> sim = cluster(seed, 30, NOISY, s -> {});
    sim.runUntil(60 * SECOND);
    Simulator.Stats stats = sim.stats();
    double loss = (double) stats.droppedLoss() / stats.messagesSent();
    assertThat(loss).as("seed %d loss", seed).isBetween(0.04, 0.06);
    double dup = (double) stats.duplicated() / stats.messagesSent();
    assertThat(dup).as("seed %d duplication", seed).isBetween(0.01, 0.03);
    // Every message is delivered, lost, duplicated or still in flight (a pending event).
    long expected = stats.messagesSent() - stats.droppedLoss() + stats.duplicated();
    assertThat(stats.messagesDelivered())
        .as("seed %d", seed)
        .isBetween(expected - stats.pendingEvents(), expected);
  }

  @Test
  void anIsolatedNodeNeitherSendsNorReceives() {
    long seed = 3;
    Simulator<PingNode.Message> sim =
        cluster(
            seed, 10, NetworkConfig.LAN, s -> s.apply(new Fault.Partitioned(Partition.isolate(4))));
    sim.runUntil(10 * SECOND);
    assertThat(ping(sim, 4).receivedFrom).as("seed %d", seed).isEmpty();
    for (int i = 0; i < 10; i++) {
      assertThat(ping(sim, i).receivedFrom).as("seed %d node %d", seed, i).doesNotContain(4);
    }
    sim.apply(new Fault.Heal());
    sim.runUntil(20 * SECOND);
    assertThat(ping(sim, 4).receivedFrom).as("seed %d after heal", seed).isNotEmpty();
  }

  @Test
  void aSplitKeepsEachSideToItself() {
    long seed = 4;
    BitSet sideA = new BitSet();
    sideA.set(0, 5);
    Simulator<PingNode.Message> sim =
        cluster(
            seed,
            10,
            NetworkConfig.LAN,
            s -> s.apply(new Fault.Partitioned(Partition.split(sideA))));
    sim.runUntil(10 * SECOND);
    for (int i = 0; i < 10; i++) {
      for (int from : ping(sim, i).receivedFrom) {
        assertThat(sideA.get(from))
            .as("seed %d: %d heard %d", seed, i, from)
            .isEqualTo(sideA.get(i));
      }
      assertThat(ping(sim, i).receivedFrom).as("seed %d node %d", seed, i).isNotEmpty();
    }
  }

  @Test
  void aOneWayCutBlocksOnlyItsDirection() {
    long seed = 5;
    BitSet senders = new BitSet();
    senders.set(0);
    BitSet receivers = new BitSet();
    receivers.set(1, 10);
    Simulator<PingNode.Message> sim =
        cluster(
            seed,
            10,
            NetworkConfig.LAN,
            s -> s.apply(new Fault.Partitioned(Partition.oneWay(senders, receivers))));
    sim.runUntil(20 * SECOND);
    for (int i = 1; i < 10; i++) {
      assertThat(ping(sim, i).receivedFrom).as("seed %d node %d", seed, i).doesNotContain(0);
    }
    // Node 0 still hears pings from the others (it cannot answer them).
    assertThat(ping(sim, 0).receivedFrom).as("seed %d", seed).isNotEmpty();
  }

  @Test
  void partitionShapesBlockTheRightLinks() {
    Partition ring = Partition.majoritiesRing(5);
    // reach = ((5/2)+1)/2 = 1: each node sees itself and its two neighbours, a majority of 3.
    assertThat(ring.blocks(0, 1)).isFalse();
    assertThat(ring.blocks(0, 4)).isFalse();
    assertThat(ring.blocks(0, 2)).isTrue();
    assertThat(ring.blocks(1, 3)).isTrue();
    for (int i = 0; i < 5; i++) {
      int seen = 0;
      for (int j = 0; j < 5; j++) {
        if (!ring.blocks(i, j)) {
          seen++;
        }
      }
      assertThat(seen).as("node %d sees a majority", i).isGreaterThan(5 / 2);
    }
    BitSet a = new BitSet();
    a.set(0, 3);
    Partition bridge = Partition.bridge(a, 3);
    assertThat(bridge.blocks(0, 4)).isTrue();
    assertThat(bridge.blocks(0, 3)).isFalse();
    assertThat(bridge.blocks(3, 5)).isFalse();
    assertThat(bridge.blocks(4, 5)).isFalse();
    assertThat(Partition.none().blocks(1, 2)).isFalse();
    assertThatThrownBy(() -> Partition.majoritiesRing(2)).hasMessage("n: 2 (expected: >= 3)");
  }

  @Test
  void aCrashedNodeLosesItsStateAndARestartBeginsAFreshLife() {
    long seed = 6;
    Simulator<PingNode.Message> sim = cluster(seed, 5, NetworkConfig.LAN, s -> {});
    sim.runUntil(5 * SECOND);
    PingNode before = ping(sim, 2);
    assertThat(before.tickLocalTimes).isNotEmpty();
    sim.apply(new Fault.Crash(2));
    assertThat(sim.node(2)).isNull();
    assertThat(sim.state(2)).isEqualTo(Simulator.NodeState.CRASHED);
    int ticksAtCrash = before.tickLocalTimes.size();
    sim.runUntil(10 * SECOND);
    assertThat(before.tickLocalTimes)
        .as("seed %d: no timers after the crash", seed)
        .hasSize(ticksAtCrash);
    assertThat(sim.stats().droppedDown()).as("seed %d", seed).isPositive();
    sim.apply(new Fault.Start(2));
    assertThat(sim.lives(2)).isEqualTo(2);
    PingNode after = ping(sim, 2);
    assertThat(after).isNotSameAs(before);
    assertThat(after.receivedFrom).isEmpty();
    sim.runUntil(15 * SECOND);
    assertThat(after.tickLocalTimes).as("seed %d", seed).hasSizeGreaterThan(40);
  }

  @Test
  void aPauseHoldsTimersAndMessagesUntilItEnds() {
    long seed = 8;
    Simulator<PingNode.Message> sim = cluster(seed, 5, NetworkConfig.LAN, s -> {});
    sim.runUntil(SECOND);
    sim.apply(new Fault.Pause(1, 5 * SECOND));
    PingNode node = ping(sim, 1);
    int ticks = node.tickLocalTimes.size();
    int received = node.receivedFrom.size();
    sim.runUntil(6 * SECOND - MS);
    assertThat(node.tickLocalTimes).as("seed %d", seed).hasSize(ticks);
    assertThat(node.receivedFrom).as("seed %d", seed).hasSize(received);
    sim.runUntil(6 * SECOND);
    // At the end of the pause the overdue timer fires once, then the queued messages run.
    assertThat(node.tickLocalTimes).as("seed %d", seed).hasSize(ticks + 1);
    assertThat(node.tickLocalTimes.get(ticks)).isEqualTo(6 * SECOND);
    assertThat(node.receivedFrom.size()).as("seed %d", seed).isGreaterThan(received + 10);
  }

  @Test
  void starvationMakesTimersLateBySlices() {
    long seed = 9;
    Simulator<PingNode.Message> sim = cluster(seed, 5, NetworkConfig.LAN, s -> {});
    sim.runUntil(SECOND);
    sim.apply(new Fault.Starve(3, 2 * SECOND, 10 * SECOND));
    PingNode node = ping(sim, 3);
    int ticks = node.tickLocalTimes.size();
    sim.runUntil(11 * SECOND + MS);
    // One tick per 2 s slice instead of ten per second.
    assertThat(node.tickLocalTimes.size() - ticks).as("seed %d", seed).isEqualTo(5);
    sim.runUntil(13 * SECOND);
    assertThat(node.tickLocalTimes.size() - ticks).as("seed %d", seed).isGreaterThan(20);
  }

  @Test
  void nodeClocksDriftAndJump() {
    NodeClock clock = new NodeClock(1_000, 100);
    assertThat(clock.localAt(SECOND)).isEqualTo(1_000 + SECOND + 100_000);
    long deadline = 5 * SECOND;
    long global = clock.globalAt(deadline);
    assertThat(clock.localAt(global)).isGreaterThanOrEqualTo(deadline);
    assertThat(new NodeClock(1_000, 100).localAt(global - 1)).isLessThan(deadline);
    clock.jump(SECOND);
    assertThat(clock.localAt(global)).isGreaterThanOrEqualTo(deadline + SECOND);
    assertThatThrownBy(() -> clock.jump(-1)).hasMessage("deltaNanos: -1 (expected: > 0)");
    assertThatThrownBy(() -> new NodeClock(0, 1e9))
        .hasMessageStartingWith("driftPpm: 1.0E9 (expected: within +-");
  }

  @Test
  void aNodeWithAFastClockTicksMoreOften() {
    long seed = 10;
    Simulator<PingNode.Message> sim = new Simulator<>(seed, NetworkConfig.LAN, PingNode.TRAITS);
    sim.addNode((i, r, l) -> new PingNode(i, 2, 100 * MS, r), new NodeClock(0, 0));
    sim.addNode((i, r, l) -> new PingNode(i, 2, 100 * MS, r), new NodeClock(0, 50_000));
    sim.apply(new Fault.Start(0));
    sim.apply(new Fault.Start(1));
    sim.runUntil(100 * SECOND);
    int slow = ping(sim, 0).tickLocalTimes.size();
    int fast = ping(sim, 1).tickLocalTimes.size();
    assertThat((double) fast / slow).as("seed %d", seed).isBetween(1.04, 1.06);
  }

  @Test
  void aThrowingNodeStopsTheRunNamingSeedAndTime() {
    Simulator<PingNode.Message> sim = new Simulator<>(11, NetworkConfig.LAN, PingNode.TRAITS);
    sim.addNode(
        (i, r, l) ->
            new PingNode(i, 2, 100 * MS, r) {
              @Override
              public void onTick(long localNanos, Outbox<Message> out) {
                throw new IllegalStateException("broken invariant");
              }
            },
        new NodeClock(0, 0));
    sim.apply(new Fault.Start(0));
    assertThatThrownBy(() -> sim.runUntil(SECOND))
        .isInstanceOf(SimulationFailure.class)
        .hasMessageContaining("node 0 failed a timer at 100000000 ns (seed 11)")
        .hasRootCauseMessage("broken invariant");
  }

  @Test
  void cloggedLinksDeliverLateButDeliver() {
    long seed = 12;
    Simulator<PingNode.Message> sim = cluster(seed, 2, NetworkConfig.LAN, s -> {});
    sim.apply(new Fault.Clog(0, 1, 3 * SECOND));
    sim.runUntil(3 * SECOND - MS);
    assertThat(ping(sim, 1).receivedFrom).as("seed %d", seed).doesNotContain(0);
    sim.runUntil(3 * SECOND + 10 * MS);
    assertThat(ping(sim, 1).receivedFrom).as("seed %d", seed).contains(0);
  }
}
