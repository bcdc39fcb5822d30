package org.ppdb.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel's own speed, without protocol cost: 1,000 {@link PingNode}s each pinging a random
 * other node every 10 ms for 20 simulated seconds (about 6 million events), run twice. Prints
 * events per CPU second of the simulator thread; run it with {@code mvn -B -pl simulation verify
 * -Pslow -Dtest=KernelThroughputTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class KernelThroughputTest {

  @Test
  void millionsOfEventsPerCpuSecond() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String first = null;
    for (int round = 0; round < 2; round++) {
      int n = 1_000;
      Simulator<PingNode.Message> sim =
          new Simulator<>(1, NetworkConfig.LAN.withLoss(0.01), PingNode.TRAITS);
      for (int i = 0; i < n; i++) {
        sim.addNode(
            (index, random, life) -> new PingNode(index, n, 10_000_000L, random),
            new NodeClock(0, 0));
      }
      for (int i = 0; i < n; i++) {
        sim.apply(new Fault.Start(i));
      }
      long cpu = threads.getCurrentThreadCpuTime();
      sim.runUntil(20_000_000_000L);
      double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
      long events = sim.stats().events();
      System.out.printf(
          Locale.ROOT,
          "kernel: %d events in %.2f CPU s = %.2f million events per CPU s%n",
          events,
          seconds,
          events / seconds / 1e6);
      assertThat(events).isGreaterThan(5_000_000);
      if (first == null) {
        first = sim.trace().hex();
      } else {
        assertThat(sim.trace().hex()).isEqualTo(first);
      }
    }
  }
}
