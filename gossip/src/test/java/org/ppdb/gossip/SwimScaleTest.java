package org.ppdb.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ppdb.gossip.TestCluster.S;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ppdb.gossip.TestCluster.Node;

/**
 * Memory and time at scale: many cores in one JVM, as the simulator runs them. Reports heap per
 * (observer, member) pair, which must stay small enough for 10,000 members (10^8 pairs) in about 8
 * GiB.
 */
class SwimScaleTest {
  /** The budget per (observer, member) pair, in bytes. */
  static final long PAIR_BYTES_MAX = 50;

  private static long usedHeap() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Cores that learned the full view, as from a join push-pull, then ran; returns bytes per pair.
   */
  static double measure(int members, long simulatedNanos, long seed) {
    long before = usedHeap();
    TestCluster c = new TestCluster(SwimConfig.ppdbDefaults(), seed);
    for (int i = 0; i < members; i++) {
      Node node = c.add();
      node.recordEvents = false;
    }
    List<Member> all = new ArrayList<>(members);
    for (Node node : c.nodes) {
      all.add(node.swim.self());
    }
    SwimMessage.PushPull fullView = new SwimMessage.PushPull(true, true, all);
    for (Node node : c.nodes) {
      c.join(node);
      node.swim.onMessage(c.nodes.get(0).address, fullView, c.now, node);
      node.reschedule();
    }
    long wallStart = System.nanoTime();
    c.runFor(simulatedNanos);
    long wallNanos = System.nanoTime() - wallStart;
    assertThat(c.converged()).as(() -> "seed=" + seed + ": " + c.describeDisagreement()).isTrue();
    long after = usedHeap();
    double perPair = (after - before) / ((double) members * members);
    long estimated = 0;
    for (Node node : c.nodes) {
      estimated += node.swim.retainedBytesEstimate();
    }
    // The cores' own estimate must be of the right size (the rest is the driver and shared
    // records).
    assertThat((double) estimated)
        .as("seed=%d: estimate %d vs measured %d", seed, estimated, after - before)
        .isBetween(0.4 * (after - before), 1.5 * (after - before));
    System.out.printf(
        "SwimScaleTest: %d members, %d s simulated in %.1f s wall (%d events), %.1f heap bytes per pair,"
            + " %.0f messages and %.0f bytes per member per second%n",
        members,
        simulatedNanos / S,
        wallNanos / 1e9,
        c.eventsProcessed,
        perPair,
        c.messagesSent / (double) members / (simulatedNanos / (double) S),
        c.bytesSent / (double) members / (simulatedNanos / (double) S));
    // Keep the cluster reachable until after the measurement.
    assertThat(c.nodes).hasSize(members);
    return perPair;
  }

  @Test
  void heapPerMemberPairStaysWithinBudgetAt2000Members() {
    double perPair = measure(2000, 30 * S, 2000);
    assertThat(perPair).isLessThan(PAIR_BYTES_MAX);
  }

  @Test
  @Tag("slow")
  void heapPerMemberPairStaysWithinBudgetAt5000Members() {
    double perPair = measure(5000, 60 * S, 5000);
    assertThat(perPair).isLessThan(PAIR_BYTES_MAX);
  }
}
