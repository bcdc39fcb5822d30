package org.ppdb.simulation.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Partition;
import org.ppdb.simulation.report.Report;

/** The checkers must catch what they are for: these runs break the truth behind their back. */
@Tag("sim")
class MembershipMonitorTest {

  private static final long S = 1_000_000_000L;

  private static final class Run {
    final MembershipMonitor monitor = new MembershipMonitor();
    final GossipCluster cluster;

    Run(long seed, int n) {
      cluster = new GossipCluster(seed, SwimConfig.ppdbDefaults(), NetworkConfig.LAN, monitor);
      monitor.bind(cluster);
      for (int i = 0; i < n; i++) {
        cluster.addMember(new NodeClock(0, 0));
        cluster.sim().apply(new Fault.Start(i));
        monitor.afterStart(i, false);
        cluster.sim().runUntil(cluster.sim().nowNanos() + 50_000_000L);
      }
      cluster.sim().runUntil(cluster.sim().nowNanos() + 10 * S);
    }
  }

  @Test
  void aFormedClusterConverges() {
    long seed = 21;
    Run run = new Run(seed, 20);
    assertThat(run.monitor.converged())
        .as("seed %d: %s", seed, run.monitor.divergences(3))
        .isTrue();
  }

  @Test
  void aMemberCutOffUnannouncedCountsAsAFalseDeathAndBreaksConvergence() {
    long seed = 22;
    Run run = new Run(seed, 20);
    // The monitor believes member 5 is healthy; the network silently isolates it.
    run.cluster.sim().apply(new Fault.Partitioned(Partition.isolate(5)));
    run.cluster.sim().runUntil(run.cluster.sim().nowNanos() + 60 * S);
    assertThat(run.monitor.falseDeadHealthy()).as("seed %d", seed).isPositive();
    assertThat(run.monitor.converged()).as("seed %d", seed).isFalse();
    assertThat(run.monitor.divergences(1).get(0)).contains("running member 5 as DEAD");
  }

  @Test
  void aCrashIsTimedUntilEveryRunningMemberKnows() {
    long seed = 23;
    Run run = new Run(seed, 20);
    run.monitor.beforeCrash(7);
    run.cluster.sim().apply(new Fault.Crash(7));
    // Right after the crash the others still hold it alive.
    assertThat(run.monitor.divergences(1)).as("seed %d", seed).isNotEmpty();
    run.cluster.sim().runUntil(run.cluster.sim().nowNanos() + 30 * S);
    assertThat(run.monitor.converged()).as("seed %d", seed).isTrue();
    Report report = new Report("test", seed);
    run.monitor.report(report, true);
    assertThat(report.passed()).as("seed %d: %s", seed, report.violations()).isTrue();
    assertThat(report.figure("crashes timed")).isEqualTo(1);
    assertThat(report.figure("all know dead p50")).as("seed %d", seed).isBetween(0.5, 20.0);
    assertThat(report.figure("first suspicion p50"))
        .isLessThanOrEqualTo(report.figure("all know dead p50"));
  }

  @Test
  void aCrashNobodyCanLearnOfIsAViolation() {
    long seed = 24;
    Run run = new Run(seed, 10);
    run.monitor.beforeCrash(3);
    run.cluster.sim().apply(new Fault.Crash(3));
    // No time passes: nobody knows yet, and the checker must say so when detection is demanded.
    Report report = new Report("test", seed);
    run.monitor.report(report, true);
    assertThat(report.passed()).isFalse();
    assertThat(report.violations().get(0)).startsWith("crashed member 3 not known dead by 9");
  }
}
