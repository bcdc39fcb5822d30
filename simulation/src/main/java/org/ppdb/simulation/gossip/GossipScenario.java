package org.ppdb.simulation.gossip;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Partition;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.TraceHash;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Phases;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.Scenario;
import org.ppdb.simulation.scenario.ScenarioOptions;

/**
 * The gossip scenarios: a cluster of real {@link org.ppdb.gossip.Swim} cores forms by joins, goes
 * through a fault phase (crashes, a partition, churn, a starved member, or in swarm mode a mix of
 * all of these plus pauses, clock jumps, clogged links, duplication and reordering), then a heal
 * phase in which the network is repaired and the {@link MembershipMonitor} demands that every
 * running member's view converge to the truth within a budget derived from the configuration
 * (maximum suspicion timeout plus two push-pull intervals plus 30 s).
 *
 * <p>What the seed draws when not given: cluster size, loss, fault times and victims, partition
 * shape, starvation slice, churn actions, per-node clock drift (+-50 ppm; swarm adds skew and
 * jumps), and in swarm mode the whole {@link SwimConfig} within its valid ranges.
 */
public final class GossipScenario implements Scenario {

  /** Which fault workload the scenario runs. */
  public enum Kind {
    CRASH("crash", "members crash; failure-detection latency, false deaths, bandwidth"),
    PARTITION_HEAL(
        "partition-heal", "a partition (split, isolate, ring, bridge, one-way), then heal"),
    CHURN("churn", "members join, leave, crash and restart; join propagation"),
    STARVED_MEMBER("starved-member", "one member is starved of CPU (Lifeguard); false deaths"),
    SWARM("gossip-swarm", "everything drawn from the seed: size, faults, rates, configuration");

    final String scenarioName;
    final String summary;

    Kind(String scenarioName, String summary) {
      this.scenarioName = scenarioName;
      this.summary = summary;
    }
  }

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  private final Kind kind;

  public GossipScenario(Kind kind) {
    this.kind = kind;
  }

  @Override
  public String name() {
    return kind.scenarioName;
  }

  @Override
  public String summary() {
    return kind.summary;
  }

  @Override
  public Report run(ScenarioOptions options, Progress progress) {
    SplittableRandom draw =
        new SplittableRandom(TraceHash.mix(options.seed() ^ (0x6055L + kind.ordinal())));
    int n =
        options.peers() != null
            ? options.peers()
            : kind == Kind.SWARM ? 5 + draw.nextInt(96) : 20 + draw.nextInt(81);
    double loss =
        options.loss() != null
            ? options.loss()
            : kind == Kind.STARVED_MEMBER
                ? new double[] {0, 0.05, 0.1}[draw.nextInt(3)]
                : new double[] {0, 0.01, 0.05}[draw.nextInt(3)];
    long faultNanos =
        options.durationNanos() != null
            ? options.durationNanos()
            : switch (kind) {
              case CRASH, PARTITION_HEAL -> 60 * S;
              case CHURN, STARVED_MEMBER -> 120 * S;
              case SWARM -> (30 + draw.nextInt(151)) * S;
            };
    SwimConfig config =
        ScenarioOptions.PRESET_MEMBERLIST.equals(options.presetOrDefault())
            ? SwimConfig.memberlistLan()
            : SwimConfig.ppdbDefaults();
    NetworkConfig network = NetworkConfig.LAN;
    if (kind == Kind.SWARM) {
      config = drawConfig(config, draw);
      if (draw.nextBoolean()) {
        network = network.withDisorder(draw.nextDouble() * 0.02, draw.nextDouble() * 0.05, 20 * MS);
      }
    }

    Report report = new Report(options.scenario(), options.seed());
    report
        .config("members", n)
        .config(
            "preset", options.presetOrDefault() + (kind == Kind.SWARM ? " (drawn variant)" : ""))
        .config("loss during faults", loss)
        .config("fault phase", ScenarioOptions.formatDuration(faultNanos))
        .config("probe interval ms", config.probeIntervalNanos() / MS)
        .config("probe timeout ms", config.probeTimeoutNanos() / MS)
        .config("suspicion mult", config.suspicionMult())
        .config("gossip interval ms", config.gossipIntervalNanos() / MS)
        .config("gossip nodes", config.gossipNodes())
        .config("push-pull interval s", config.pushPullIntervalNanos() / S);
    if (network.duplicateProbability() > 0 || network.reorderProbability() > 0) {
      report.config("duplication", network.duplicateProbability());
      report.config("reordering", network.reorderProbability());
    }

    MembershipMonitor monitor = new MembershipMonitor();
    GossipCluster cluster = new GossipCluster(options.seed(), config, network, monitor);
    monitor.bind(cluster);
    Simulator<?> sim = cluster.sim();
    SplittableRandom workload = sim.fork();
    SplittableRandom clocks = sim.fork();
    long formSpacing = Math.max(MS, Math.min(50 * MS, 60 * S / n));
    long formBudget = 60 * S + config.pushPullIntervalNanos(n) * 2;
    long healBudget = config.suspicionMaxNanos(n) + 2 * config.pushPullIntervalNanos(n) + 30 * S;
    long total = n * formSpacing + faultNanos + healBudget;
    report.config("heal budget s", healBudget / S);

    // Phase 0: the cluster forms; member 0 founds it, the others join one by one.
    for (int i = 0; i < n; i++) {
      cluster.addMember(clock(clocks));
    }
    for (int i = 0; i < n; i++) {
      int member = i;
      sim.schedule(
          i * formSpacing,
          () -> {
            sim.apply(new Fault.Start(member));
            monitor.afterStart(member, false);
          });
    }
    Phases.runUntil(sim, (n - 1) * formSpacing, total, progress, "forming the cluster");
    long formed =
        Phases.awaitConvergence(
            sim, formBudget, 200 * MS, monitor::converged, total, progress, "forming: converging");
    report.figure(
        "formation converged after last join", formed < 0 ? Double.NaN : formed / 1e9, "s");
    long heap = progress.measureHeapBytes();
    if (heap >= 0) {
      report.figure("memory per member", heap / (double) n, "bytes");
    }
    if (formed < 0) {
      report.violation("the cluster did not converge while forming: " + monitor.divergences(3));
      return finish(report, sim, monitor, options);
    }

    // Phase 1: faults.
    long t1 = sim.nowNanos();
    report.marker(t1 / 1e9, "fault phase");
    if (loss > 0) {
      sim.apply(new Fault.Loss(loss));
    }
    schedule(kind, cluster, monitor, report, n, t1, faultNanos, workload, config, options.failed());
    if (kind != Kind.CHURN) {
      // Two late joins, to time join propagation under the faults.
      for (double at : new double[] {0.3, 0.6}) {
        sim.schedule(t1 + (long) (at * faultNanos), () -> join(cluster, monitor));
      }
    }
    long bytes0 = sim.stats().bytesSent();
    long messages0 = sim.stats().messagesSent();
    double[] runningSeconds = {0};
    List<double[]> agreeing = new ArrayList<>();
    List<double[]> running = new ArrayList<>();
    long t2 = t1 + faultNanos;
    while (sim.nowNanos() < t2) {
      sim.runUntil(Math.min(t2, sim.nowNanos() + S));
      monitor.accrue(1);
      sample(cluster, monitor, agreeing, running, runningSeconds);
      progress.update(sim.nowNanos() / 1e9, total / 1e9, "fault phase");
    }
    double bytesPerMemberSecond =
        (sim.stats().bytesSent() - bytes0) / Math.max(1, runningSeconds[0]);
    double messagesPerMemberSecond =
        (sim.stats().messagesSent() - messages0) / Math.max(1, runningSeconds[0]);

    // Phase 2: heal, and demand convergence within the budget.
    report.marker(t2 / 1e9, "heal");
    sim.apply(new Fault.Heal());
    sim.apply(new Fault.Loss(0));
    long healStart = sim.nowNanos();
    long healed = -1;
    while (sim.nowNanos() - healStart < healBudget) {
      if (monitor.converged()) {
        healed = sim.nowNanos() - healStart;
        break;
      }
      sim.runUntil(Math.min(healStart + healBudget, sim.nowNanos() + 500 * MS));
      if ((sim.nowNanos() - healStart) % S == 0) {
        monitor.accrue(1);
        sample(cluster, monitor, agreeing, running, runningSeconds);
        progress.update(sim.nowNanos() / 1e9, total / 1e9, "heal phase: converging");
      }
    }
    // News of deaths across a partition may still travel until the views converge.
    monitor.expectDeaths(false);
    report.figure("heal converged after", healed < 0 ? Double.NaN : healed / 1e9, "s");
    if (healed < 0) {
      report.violation(
          "no convergence within the heal budget of "
              + healBudget / S
              + " s: "
              + monitor.divergences(3));
    }
    report.figure("bytes sent per member per second", bytesPerMemberSecond, "B/s");
    report.figure("messages sent per member per second", messagesPerMemberSecond, "");
    monitor.report(report, healed >= 0);
    if (loss == 0
        && kind != Kind.PARTITION_HEAL
        && kind != Kind.SWARM
        && monitor.falseDeadHealthy() > 0) {
      for (String s : monitor.falseDeathSamples()) {
        report.violation("false dead declaration without loss: " + s);
      }
    }
    report.plot(
        kind == Kind.CRASH ? "members that know of the failure" : "membership over time",
        "members");
    if (kind == Kind.CRASH) {
      monitor.plotFirstCrash(report);
    }
    report.series(new Report.Series("members with the true live count", agreeing));
    report.series(new Report.Series("running members", running));
    return finish(report, sim, monitor, options);
  }

  private static Report finish(
      Report report, Simulator<?> sim, MembershipMonitor monitor, ScenarioOptions options) {
    int markers = 0;
    for (Simulator.FaultRecord f : sim.faultLog()) {
      if (f.fault() instanceof Fault.Start || markers >= 30) {
        continue; // joins are many and drawn as the running-member line
      }
      report.marker(f.atNanos() / 1e9, f.fault().describe());
      markers++;
    }
    report.finish(sim.trace().hex(), sim.stats().events(), sim.nowNanos() / 1e9);
    report.replayCommand(options.replayCommand());
    return report;
  }

  private static void sample(
      GossipCluster cluster,
      MembershipMonitor monitor,
      List<double[]> agreeing,
      List<double[]> running,
      double[] runningSeconds) {
    int live = 0;
    for (int i = 0; i < cluster.size(); i++) {
      if (monitor.running(i)) {
        live++;
      }
    }
    int agree = 0;
    for (int i = 0; i < cluster.size(); i++) {
      if (monitor.running(i) && cluster.swim(i).view().liveCount() == live) {
        agree++;
      }
    }
    double t = cluster.sim().nowNanos() / 1e9;
    agreeing.add(new double[] {t, agree});
    running.add(new double[] {t, live});
    runningSeconds[0] += live;
  }

  private static NodeClock clock(SplittableRandom clocks) {
    return new NodeClock(clocks.nextLong(1_000 * S), (clocks.nextDouble() - 0.5) * 100);
  }

  private static int join(GossipCluster cluster, MembershipMonitor monitor) {
    int member = cluster.addMember(new NodeClock(0, 0));
    cluster.sim().apply(new Fault.Start(member));
    monitor.afterStart(member, true);
    return member;
  }

  private static int randomRunning(
      GossipCluster cluster,
      MembershipMonitor monitor,
      SplittableRandom random,
      boolean spareFounder) {
    List<Integer> candidates = new ArrayList<>();
    for (int i = spareFounder ? 1 : 0; i < cluster.size(); i++) {
      if (monitor.running(i) && cluster.sim().state(i) == Simulator.NodeState.UP) {
        candidates.add(i);
      }
    }
    return candidates.isEmpty() ? -1 : candidates.get(random.nextInt(candidates.size()));
  }

  private static int runningCount(GossipCluster cluster, MembershipMonitor monitor) {
    int c = 0;
    for (int i = 0; i < cluster.size(); i++) {
      if (monitor.running(i)) {
        c++;
      }
    }
    return c;
  }

  /** Schedules the fault workload of {@code kind} over [t1, t1 + d). */
  private static void schedule(
      Kind kind,
      GossipCluster cluster,
      MembershipMonitor monitor,
      Report report,
      int n,
      long t1,
      long d,
      SplittableRandom random,
      SwimConfig config,
      Double failed) {
    Simulator<?> sim = cluster.sim();
    switch (kind) {
      case CRASH -> {
        int crashes =
            failed != null
                ? (int) Math.max(1, Math.round(failed * n))
                : 1 + random.nextInt(Math.max(1, Math.min(5, n / 10)));
        report.config("crashes", crashes);
        scheduleCrashes(cluster, monitor, crashes, t1, d, random);
      }
      case PARTITION_HEAL -> {
        report.config("partition", schedulePartition(cluster, monitor, n, t1 + d / 10, random));
      }
      case CHURN -> {
        int actions = (int) Math.max(10, d / (5 * S));
        report.config("churn actions", actions);
        scheduleChurn(cluster, monitor, actions, t1, d, random);
      }
      case STARVED_MEMBER -> {
        int victim = 1 + random.nextInt(n - 1);
        long slice = (2 + random.nextInt(4)) * S;
        report.config("starved member", victim).config("starvation slice s", slice / S);
        sim.schedule(
            t1 + d / 10,
            () -> {
              monitor.impair(victim);
              sim.apply(new Fault.Starve(victim, slice, d * 8 / 10));
            });
      }
      case SWARM -> {
        List<String> mix = new ArrayList<>();
        if (random.nextInt(3) > 0) {
          int crashes = 1 + random.nextInt(Math.max(1, Math.min(4, n / 8)));
          scheduleCrashes(cluster, monitor, crashes, t1, d, random);
          mix.add(crashes + " crashes");
        }
        if (random.nextInt(3) == 0 && n >= 4) {
          mix.add(schedulePartition(cluster, monitor, n, t1 + d / 5, random));
        }
        if (random.nextInt(3) == 0) {
          int actions = 3 + random.nextInt(10);
          scheduleChurn(cluster, monitor, actions, t1, d, random);
          mix.add(actions + " churn actions");
        }
        if (random.nextInt(3) == 0) {
          int victim = 1 + random.nextInt(n - 1);
          long slice = (1 + random.nextInt(5)) * S;
          sim.schedule(
              t1 + (long) (random.nextDouble() * d / 2),
              () -> {
                monitor.impair(victim);
                sim.apply(new Fault.Starve(victim, slice, d / 3));
              });
          mix.add("starve member " + victim);
        }
        if (random.nextInt(3) == 0) {
          int victim = 1 + random.nextInt(n - 1);
          // Longer than every timeout: the member is declared dead and must refute on return.
          long pause = config.suspicionMaxNanos(n) + (5 + random.nextInt(20)) * S;
          sim.schedule(
              t1 + (long) (random.nextDouble() * d / 3),
              () -> {
                monitor.impair(victim);
                sim.apply(new Fault.Pause(victim, pause));
              });
          mix.add("pause member " + victim + " for " + pause / S + " s");
        }
        if (random.nextInt(3) == 0) {
          int victim = 1 + random.nextInt(n - 1);
          long jump = (100 + random.nextInt(5_000)) * MS;
          sim.schedule(
              t1 + (long) (random.nextDouble() * d),
              () -> {
                monitor.impair(victim);
                sim.apply(new Fault.ClockJump(victim, jump));
              });
          mix.add("clock jump");
        }
        if (random.nextInt(3) == 0) {
          int clogs = 1 + random.nextInt(5);
          for (int i = 0; i < clogs; i++) {
            int from = random.nextInt(n);
            int to = random.nextInt(n);
            long length = (1 + random.nextInt(10)) * S;
            sim.schedule(t1 + (long) (random.nextDouble() * d), new Fault.Clog(from, to, length));
          }
          mix.add(clogs + " clogged links");
        }
        report.config("fault mix", mix.isEmpty() ? "loss only" : String.join(", ", mix));
      }
    }
  }

  private static void scheduleCrashes(
      GossipCluster cluster,
      MembershipMonitor monitor,
      int crashes,
      long t1,
      long d,
      SplittableRandom random) {
    Simulator<?> sim = cluster.sim();
    for (int c = 0; c < crashes; c++) {
      // Early enough that detection completes within the fault phase.
      long at = t1 + d / 10 + (long) (random.nextDouble() * Math.max(d * 0.4, d * 0.8 - 60 * S));
      SplittableRandom pick = random.split();
      sim.schedule(
          at,
          () -> {
            int victim = randomRunning(cluster, monitor, pick, true);
            if (victim >= 0 && runningCount(cluster, monitor) > 3) {
              monitor.beforeCrash(victim);
              sim.apply(new Fault.Crash(victim));
            }
          });
    }
  }

  private static String schedulePartition(
      GossipCluster cluster, MembershipMonitor monitor, int n, long at, SplittableRandom random) {
    Partition partition;
    int shape = random.nextInt(5);
    BitSet side = new BitSet();
    for (int i = 0; i < n; i++) {
      if (random.nextBoolean()) {
        side.set(i);
      }
    }
    partition =
        switch (shape) {
          case 0 -> Partition.split(side);
          case 1 -> Partition.isolate(1 + random.nextInt(n - 1));
          case 2 -> n >= 3 ? Partition.majoritiesRing(n) : Partition.split(side);
          case 3 -> Partition.bridge(side, random.nextInt(n));
          default -> {
            BitSet senders = new BitSet();
            BitSet receivers = new BitSet();
            for (int i = 0; i < n; i++) {
              if (random.nextInt(3) == 0) {
                senders.set(i);
              } else {
                receivers.set(i);
              }
            }
            yield Partition.oneWay(senders, receivers);
          }
        };
    Partition chosen = partition;
    cluster
        .sim()
        .schedule(
            at,
            () -> {
              monitor.expectDeaths(true);
              cluster.sim().apply(new Fault.Partitioned(chosen));
            });
    return chosen.describe();
  }

  private static void scheduleChurn(
      GossipCluster cluster,
      MembershipMonitor monitor,
      int actions,
      long t1,
      long d,
      SplittableRandom random) {
    Simulator<?> sim = cluster.sim();
    for (int a = 0; a < actions; a++) {
      long at = t1 + d / 20 + (long) (random.nextDouble() * d * 0.85);
      SplittableRandom pick = random.split();
      sim.schedule(
          at,
          () -> {
            int roll = pick.nextInt(10);
            int running = runningCount(cluster, monitor);
            if (roll < 3 || running <= 3) {
              join(cluster, monitor);
            } else if (roll < 5) {
              int m = randomRunning(cluster, monitor, pick, false);
              if (m >= 0) {
                monitor.beforeLeave(m);
                sim.apply(new Fault.Leave(m, 10 * S));
              }
            } else if (roll < 8) {
              int m = randomRunning(cluster, monitor, pick, false);
              if (m >= 0) {
                monitor.beforeCrash(m);
                sim.apply(new Fault.Crash(m));
              }
            } else {
              List<Integer> down = new ArrayList<>();
              for (int i = 0; i < cluster.size(); i++) {
                Simulator.NodeState s = sim.state(i);
                if (s == Simulator.NodeState.CRASHED || s == Simulator.NodeState.STOPPED) {
                  down.add(i);
                }
              }
              if (down.isEmpty()) {
                join(cluster, monitor);
              } else {
                int m = down.get(pick.nextInt(down.size()));
                sim.apply(new Fault.Start(m));
                monitor.afterStart(m, true);
              }
            }
          });
    }
  }

  /** A variant of {@code base} with every protocol parameter drawn within its valid range. */
  static SwimConfig drawConfig(SwimConfig base, SplittableRandom r) {
    long interval = (200 + r.nextInt(1801)) * MS;
    long timeout = (long) (interval * (0.2 + r.nextDouble() * 0.6));
    return base.toBuilder()
        .probeIntervalNanos(interval)
        .probeTimeoutNanos(timeout)
        .indirectChecks(1 + r.nextInt(5))
        .suspicionMult(2 + r.nextInt(5))
        .suspicionMaxTimeoutMult(2 + r.nextInt(7))
        .awarenessMaxMultiplier(1 + r.nextInt(8))
        .retransmitMult(2 + r.nextInt(5))
        .gossipIntervalNanos((100 + r.nextInt(401)) * MS)
        .gossipNodes(2 + r.nextInt(5))
        .pushPullIntervalNanos((10 + r.nextInt(51)) * S)
        .build();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "GossipScenario[%s]", kind);
  }
}
