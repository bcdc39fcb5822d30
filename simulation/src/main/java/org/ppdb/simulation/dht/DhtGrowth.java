package org.ppdb.simulation.dht;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ppdb.dht.DhtResult;
import org.ppdb.dht.OperationStatus;
import org.ppdb.simulation.report.Distribution;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Phases;
import org.ppdb.simulation.scenario.Progress;

/**
 * Grows a simulated DHT the way a real one grows: node 0 starts alone, then every further node
 * starts and bootstraps from the address of one node already in the network (chosen at random), one
 * after another at a fixed spacing. Every routing table is built by the real protocol, never filled
 * in by the simulator.
 */
final class DhtGrowth {

  /** Bootstrap attempts a node makes before it is counted as failed. */
  static final int RETRIES_MAX = 3;

  /** Pause before a retry, in nanoseconds. */
  static final long RETRY_DELAY_NANOS = 1_000_000_000L;

  /** Bootstraps that did not complete, or completed with no contacts after every retry. */
  int failedBootstraps;

  /** Bootstraps retried because they ended with an empty table. */
  int retries;

  /** Time from bootstrap start to completion, in seconds. */
  final Distribution bootstrapSeconds = new Distribution();

  /** (time s, nodes bootstrapped) for the plot. */
  final List<double[]> joinedSeries = new ArrayList<>();

  private int completed;

  /**
   * Adds and starts {@code n} nodes to {@code cluster}, joins spaced {@code spacingNanos} apart,
   * then waits (at most {@code budgetNanos} after the last join) for every bootstrap to complete.
   */
  void grow(
      DhtCluster cluster,
      int n,
      long spacingNanos,
      long budgetNanos,
      SplittableRandom random,
      long totalNanos,
      Progress progress) {
    var sim = cluster.sim();
    long t0 = sim.nowNanos();
    int first = cluster.size();
    for (int i = 0; i < n; i++) {
      cluster.addNode();
    }
    cluster.start(first);
    completed = 1;
    joinedSeries.add(new double[] {t0 / 1e9, 1});
    for (int i = first + 1; i < first + n; i++) {
      int node = i;
      int seed = first + random.nextInt(i - first);
      sim.schedule(
          t0 + (long) (i - first) * spacingNanos,
          () -> {
            cluster.start(node);
            bootstrap(cluster, node, seed, sim.nowNanos(), 0, n);
          });
    }
    long lastJoin = t0 + (long) (n - 1) * spacingNanos;
    Phases.runUntil(sim, lastJoin, totalNanos, progress, "growing the DHT");
    Phases.awaitConvergence(
        sim,
        budgetNanos,
        100_000_000L,
        () -> completed == n,
        totalNanos,
        progress,
        "waiting for bootstraps");
    failedBootstraps += n - completed;
  }

  /**
   * Bootstraps {@code node} from {@code seed}; the host retries (up to {@link #RETRIES_MAX} times,
   * {@link #RETRY_DELAY_NANOS} apart) a bootstrap that ended with an empty routing table, as a
   * peer's discovery would, because a lost answer of the only seed leaves the node alone.
   */
  private void bootstrap(DhtCluster cluster, int node, int seed, long started, int attempt, int n) {
    var sim = cluster.sim();
    boolean ran =
        cluster.bootstrap(
            node,
            seed,
            result -> {
              boolean empty =
                  result.status() != OperationStatus.COMPLETED
                      || ((DhtResult.BootstrapResult) result).routingTableSize() == 0;
              if (empty && attempt < RETRIES_MAX) {
                retries++;
                sim.schedule(
                    sim.nowNanos() + RETRY_DELAY_NANOS,
                    () -> bootstrap(cluster, node, seed, started, attempt + 1, n));
                return;
              }
              completed++;
              bootstrapSeconds.add((sim.nowNanos() - started) / 1e9);
              if (empty) {
                failedBootstraps++;
              }
              if (completed % Math.max(1, n / 200) == 0 || completed == n) {
                joinedSeries.add(new double[] {sim.nowNanos() / 1e9, completed});
              }
            });
    if (!ran) {
      completed++;
      failedBootstraps++;
    }
  }

  void report(Report report) {
    report.distribution("bootstrap time", bootstrapSeconds, "s");
    report.figure("bootstrap retries (empty table)", retries, "");
    report.figure("bootstraps failed", failedBootstraps, "");
  }
}
