package org.ppdb.peer.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.peer.identity.NodeId;

class NodeLoopTest {

  private static NodeCore core() throws Exception {
    InetSocketAddress address =
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 1, 1, 1}), 7946);
    byte[] id = new byte[NodeId.LENGTH_BYTES];
    id[0] = 42;
    return new NodeCore(
        NodeConfig.of("loop", address, List.of()),
        NodeId.of(id),
        new SplittableRandom(1),
        new NodeOutput() {
          @Override
          public void sendDatagram(InetSocketAddress to, Object message) {}

          @Override
          public void sendStream(InetSocketAddress to, Object message) {}

          @Override
          public void membershipChanged(MembershipEvent event) {}
        });
  }

  @Test
  void queriesRunOnTheNodeThreadAfterStart() throws Exception {
    NodeCore core = core();
    NodeLoop loop = new NodeLoop(core, System::nanoTime, 16, failure -> {});
    loop.start();
    try {
      String thread = loop.query(c -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
      assertThat(thread).startsWith("ppdb-node-");
      assertThat(loop.query(c -> c.members().liveCount()).get(5, TimeUnit.SECONDS)).isEqualTo(1);
    } finally {
      loop.close();
    }
    assertThat(loop.isRunning()).isFalse();
  }

  @Test
  void everyQueuedTaskRunsEvenWhenTimersAreAlwaysDue() throws Exception {
    // A clock that jumps a second per reading keeps the core's timers due after every task, the
    // case in which the loop leaves its task loop to run timers: no taken task may be lost.
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    NodeLoop loop =
        new NodeLoop(core(), () -> clock.addAndGet(1_000_000_000L), 100_000, failure -> {});
    java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
    int tasks = 20_000;
    for (int i = 0; i < tasks; i++) {
      assertThat(loop.submit(c -> ran.incrementAndGet())).isTrue();
    }
    loop.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (ran.get() < tasks && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ran.get()).isEqualTo(tasks);
    } finally {
      loop.close();
    }
  }

  @Test
  void tasksAfterCloseAreRefusedAndCounted() throws Exception {
    NodeLoop loop = new NodeLoop(core(), System::nanoTime, 16, failure -> {});
    loop.start();
    loop.close();
    assertThat(loop.submit(c -> {})).isFalse();
    assertThat(loop.rejectedTasks()).isEqualTo(1);
    CompletableFuture<Integer> refused = loop.query(c -> 1);
    assertThatThrownBy(refused::get)
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("node loop is stopped");
  }

  @Test
  void aFullQueueRefusesInsteadOfGrowing() throws Exception {
    NodeLoop loop = new NodeLoop(core(), System::nanoTime, 2, failure -> {});
    // Not started: nothing drains the queue.
    assertThat(loop.submit(c -> {})).isTrue();
    assertThat(loop.submit(c -> {})).isTrue();
    assertThat(loop.submit(c -> {})).isFalse();
    assertThat(loop.queueDepth()).isEqualTo(2);
    assertThat(loop.rejectedTasks()).isEqualTo(1);
  }

  @Test
  void aTaskThatBreaksAnInvariantStopsTheLoopAndReportsIt() throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    NodeLoop loop = new NodeLoop(core(), System::nanoTime, 16, failure::complete);
    loop.start();
    loop.submit(
        c -> {
          throw new IllegalStateException("invariant broken on purpose");
        });
    assertThat(failure.get(5, TimeUnit.SECONDS)).hasMessage("invariant broken on purpose");
    loop.close();
    assertThat(loop.isRunning()).isFalse();
  }
}
