package org.ppdb.simulation.peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ppdb.dht.DhtConfig;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.node.NodeConfig;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.TraceHash;
import org.ppdb.simulation.report.Distribution;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Phases;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.Scenario;
import org.ppdb.simulation.scenario.ScenarioOptions;

/**
 * {@code peers-crash}: full peer cores, the {@link NodeCore} a ppdb peer process runs (gossip and
 * DHT joined, seeds, rendezvous), in the simulator: the seam of issue 7. Peers start one after
 * another and join through peer 0; once every peer sees every other alive, some crash (state lost);
 * the checkers demand that every live peer declares each crashed peer dead within the budget and
 * that no live peer is ever declared dead; then the crashed peers restart under the same node id
 * and the checkers demand that every peer sees every other alive again.
 *
 * <p>Figures: time to form the cluster, time until the first suspicion of a crashed peer and until
 * every live peer knows it is dead (p50, p99), time for a restarted peer to be alive everywhere,
 * bytes sent per peer per second, and false deaths.
 */
public final class PeersCrashScenario implements Scenario {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private static final String CLUSTER = "sim";

  /**
   * Time allowed to detect a crash everywhere. Forming the cluster and taking a peer back are
   * allowed 60 s or two push-pull intervals for the cluster's size, whichever is longer: under loss
   * a join's broadcasts can all miss a member, and the periodic full-state exchange is what then
   * guarantees convergence.
   */
  static final long DETECT_BUDGET_NANOS = 60 * S;

  static long convergenceBudgetNanos(SwimConfig swim, int peers) {
    return Math.max(60 * S, 2 * swim.pushPullIntervalNanos(peers) + 10 * S);
  }

  /** How often the checkers look: the resolution of the time figures. */
  static final long POLL_NANOS = 10 * MS;

  @Override
  public String name() {
    return "peers-crash";
  }

  @Override
  public String summary() {
    return "full peer cores (gossip + DHT): join through a seed, crash peers, detect, restart them";
  }

  @Override
  public Report run(ScenarioOptions options, Progress progress) {
    SplittableRandom draw = new SplittableRandom(TraceHash.mix(options.seed() ^ 0x9ee75L));
    int n = options.peers() != null ? options.peers() : 5 + draw.nextInt(16);
    if (n < 3 || n > 1 << 16) {
      throw new IllegalArgumentException("peers: " + n + " (expected: 3..65536)");
    }
    double loss = options.loss() != null ? options.loss() : 0.0;
    int victims = Math.max(1, n / 10);
    long holdNanos = options.durationNanos() != null ? options.durationNanos() : 30 * S;
    SwimConfig swim =
        ScenarioOptions.PRESET_MEMBERLIST.equals(options.presetOrDefault())
            ? SwimConfig.memberlistLan()
            : SwimConfig.ppdbDefaults();
    DhtConfig dht = DhtConfig.defaults().toBuilder().requestTimeoutNanos(500 * MS).build();
    long convergeBudgetNanos = convergenceBudgetNanos(swim, n);

    Report report = new Report(name(), options.seed());
    report
        .config("peers", n)
        .config("crashed peers", victims)
        .config("loss", loss)
        .config("gossip preset", options.presetOrDefault())
        .config("probe interval ms", swim.probeIntervalNanos() / MS)
        .config("hold after detection", ScenarioOptions.formatDuration(holdNanos))
        .config("convergence budget", ScenarioOptions.formatDuration(convergeBudgetNanos));

    Simulator<Object> sim =
        new Simulator<>(options.seed(), NetworkConfig.LAN.withLoss(loss), PeerMessages.INSTANCE);
    SplittableRandom workload = sim.fork();
    NodeId[] ids = new NodeId[n];
    Map<MemberId, Integer> indexOf = new HashMap<>();
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[NodeId.LENGTH_BYTES];
      workload.nextBytes(bytes);
      ids[i] = NodeId.of(bytes);
      indexOf.put(MemberId.of(bytes), i);
    }
    Checker checker = new Checker(sim, n, indexOf);
    for (int i = 0; i < n; i++) {
      int index = i;
      NodeConfig config =
          new NodeConfig(
              CLUSTER,
              PeerSimNode.address(i),
              i == 0 ? List.<InetSocketAddress>of() : List.of(PeerSimNode.address(0)),
              List.of(),
              swim,
              dht,
              NodeConfig.RENDEZVOUS_RETRY_NANOS_DEFAULT);
      sim.addNode(
          (slot, random, life) -> new PeerSimNode(index, config, ids[index], random, checker),
          new NodeClock(0, 0));
    }
    long total = 2 * S * n / 10 + 2 * convergeBudgetNanos + DETECT_BUDGET_NANOS + holdNanos;

    // Phase 1: peers start 0-200 ms apart and join through peer 0.
    long at = 0;
    for (int i = 0; i < n; i++) {
      sim.schedule(at, new Fault.Start(i));
      at += workload.nextLong(200 * MS);
    }
    Phases.runUntil(sim, at, total, progress, "starting");
    long formed =
        Phases.awaitConvergence(
            sim, convergeBudgetNanos, POLL_NANOS, checker::converged, total, progress, "forming");
    if (formed < 0) {
      report.violation(
          "the cluster did not form within "
              + convergeBudgetNanos / S
              + " s: "
              + checker.divergences(5));
      return finish(report, sim, options);
    }
    report.figure("cluster formed after last start", formed / 1e9, "s");
    report.marker(sim.nowNanos() / 1e9, "cluster formed");

    // Phase 2: crash some peers; every live peer must declare them dead, no one else.
    Phases.runUntil(sim, sim.nowNanos() + 5 * S, total, progress, "steady");
    List<Integer> crashed = new ArrayList<>();
    while (crashed.size() < victims) {
      int victim = 1 + workload.nextInt(n - 1);
      if (!crashed.contains(victim)) {
        crashed.add(victim);
        checker.crashed(victim);
        sim.apply(new Fault.Crash(victim));
      }
    }
    report.marker(sim.nowNanos() / 1e9, victims + " peers crash");
    long detected =
        Phases.awaitConvergence(
            sim, DETECT_BUDGET_NANOS, POLL_NANOS, checker::converged, total, progress, "detecting");
    if (detected < 0) {
      report.violation(
          "crashed peers not dead everywhere within "
              + DETECT_BUDGET_NANOS / S
              + " s: "
              + checker.divergences(5));
    }
    Phases.runUntil(sim, sim.nowNanos() + holdNanos, total, progress, "holding");

    // Phase 3: the crashed peers restart with the same id; all must be alive everywhere again.
    long restartAt = sim.nowNanos();
    for (int victim : crashed) {
      checker.restarted(victim);
      sim.apply(new Fault.Start(victim));
    }
    report.marker(restartAt / 1e9, "crashed peers restart");
    long rejoined =
        Phases.awaitConvergence(
            sim, convergeBudgetNanos, POLL_NANOS, checker::converged, total, progress, "rejoining");
    if (rejoined < 0) {
      report.violation(
          "restarted peers not alive everywhere within "
              + convergeBudgetNanos / S
              + " s: "
              + checker.divergences(5));
    } else {
      report.figure("restarted peer alive everywhere after", rejoined / 1e9, "s");
    }
    checker.report(report, n, sim.nowNanos());
    return finish(report, sim, options);
  }

  private static Report finish(Report report, Simulator<Object> sim, ScenarioOptions options) {
    report.finish(sim.trace().hex(), sim.stats().events(), sim.nowNanos() / 1e9);
    report.replayCommand(options.replayCommand());
    return report;
  }

  /**
   * Watches membership events and views: which peers are up, when each live peer first suspected
   * and declared dead each crashed peer, and whether any live peer was declared dead.
   */
  private static final class Checker implements PeerSimNode.EventSink {
    private final Simulator<Object> sim;
    private final Map<MemberId, Integer> indexOf;
    private final boolean[] up;
    private final long[] crashedAt;
    private final long[] restartedAt;
    private final long[] firstSuspectAt;
    private final int[] deadCount;
    private final Distribution firstSuspicion = new Distribution();
    private final Distribution allKnowDead = new Distribution();
    private final List<double[]> knowDeadSeries = new ArrayList<>();
    private long falseDeaths;
    private final List<String> falseDeathSamples = new ArrayList<>();

    Checker(Simulator<Object> sim, int n, Map<MemberId, Integer> indexOf) {
      this.sim = sim;
      this.indexOf = indexOf;
      this.up = new boolean[n];
      this.crashedAt = new long[n];
      this.restartedAt = new long[n];
      java.util.Arrays.fill(restartedAt, -1);
      this.firstSuspectAt = new long[n];
      this.deadCount = new int[n];
      java.util.Arrays.fill(up, true);
      java.util.Arrays.fill(crashedAt, -1);
    }

    void crashed(int peer) {
      up[peer] = false;
      crashedAt[peer] = sim.nowNanos();
      firstSuspectAt[peer] = -1;
      deadCount[peer] = 0;
    }

    void restarted(int peer) {
      up[peer] = true;
      crashedAt[peer] = -1;
      restartedAt[peer] = sim.nowNanos();
    }

    private int live() {
      int live = 0;
      for (boolean u : up) {
        live += u ? 1 : 0;
      }
      return live;
    }

    @Override
    public void onEvent(int observer, MembershipEvent event) {
      Integer subject = indexOf.get(event.member().id());
      if (subject == null || !up[observer]) {
        return;
      }
      long now = sim.nowNanos();
      switch (event.kind()) {
        case SUSPECTED -> {
          if (crashedAt[subject] >= 0 && firstSuspectAt[subject] < 0) {
            firstSuspectAt[subject] = now;
            firstSuspicion.add((now - crashedAt[subject]) / 1e9);
          }
        }
        case DEAD -> {
          if (up[subject]) {
            falseDeaths++;
            if (falseDeathSamples.size() < 5) {
              falseDeathSamples.add(
                  "peer "
                      + observer
                      + " declared live peer "
                      + subject
                      + " dead at "
                      + String.format("%.3f", now / 1e9)
                      + " s"
                      + (restartedAt[subject] >= 0
                          ? String.format(
                              " (%.3f s after its restart)", (now - restartedAt[subject]) / 1e9)
                          : ""));
            }
          } else if (crashedAt[subject] >= 0) {
            deadCount[subject]++;
            knowDeadSeries.add(new double[] {now / 1e9, deadCount[subject]});
            if (deadCount[subject] == live()) {
              allKnowDead.add((now - crashedAt[subject]) / 1e9);
            }
          }
        }
        default -> {}
      }
    }

    /** Every live peer sees every live peer alive and every crashed peer dead. */
    boolean converged() {
      return divergences(1).isEmpty();
    }

    List<String> divergences(int max) {
      List<String> out = new ArrayList<>();
      for (int observer = 0; observer < up.length && out.size() < max; observer++) {
        if (!up[observer]) {
          continue;
        }
        PeerSimNode node = (PeerSimNode) sim.node(observer);
        if (node == null) {
          out.add("peer " + observer + " is not running");
          continue;
        }
        for (Map.Entry<MemberId, Integer> entry : indexOf.entrySet()) {
          int subject = entry.getValue();
          if (subject == observer) {
            continue;
          }
          Member member = node.core().members().get(entry.getKey());
          MemberStatus status = member == null ? null : member.status();
          MemberStatus expected = up[subject] ? MemberStatus.ALIVE : MemberStatus.DEAD;
          if (status != expected) {
            out.add(
                "peer " + observer + " sees peer " + subject + " " + status + " not " + expected);
            if (out.size() >= max) {
              break;
            }
          }
        }
      }
      return out;
    }

    void report(Report report, int n, long nowNanos) {
      report.distribution("first suspicion of a crashed peer", firstSuspicion, "s");
      report.distribution("every live peer knows it is dead", allKnowDead, "s");
      report.figure("false dead declarations", falseDeaths, "");
      long bytes = 0;
      for (int i = 0; i < n; i++) {
        bytes += sim.sentBytes(i);
      }
      report.figure("bytes sent per peer per second", bytes / (double) n / (nowNanos / 1e9), "B/s");
      if (falseDeaths > 0) {
        report.violation(
            falseDeaths
                + " live peers were declared dead: "
                + String.join("; ", falseDeathSamples));
      }
      report.plot("live peers that know a crashed peer is dead", "peers");
      report.series(new Report.Series("peers that declared it dead", knowDeadSeries));
    }
  }
}
