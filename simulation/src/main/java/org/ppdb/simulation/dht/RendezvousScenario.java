package org.ppdb.simulation.dht;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ppdb.dht.DhtConfig;
import org.ppdb.dht.DhtRecord;
import org.ppdb.dht.DhtResult;
import org.ppdb.dht.NodeId;
import org.ppdb.dht.OperationStatus;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.TraceHash;
import org.ppdb.simulation.report.Distribution;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Phases;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.Scenario;
import org.ppdb.simulation.scenario.ScenarioOptions;

/**
 * {@code rendezvous}: the discovery path of a ppdb peer on another subnet (issue 5). A Kademlia
 * network of real cores grows by bootstrap; the members of one ppdb cluster announce themselves as
 * providers under the cluster's key; optionally a fraction of the other nodes fails silently; then
 * new peers arrive one by one, each knowing one seed address: it bootstraps, then runs {@link
 * org.ppdb.dht.Kademlia#rendezvous}, and the time from its start to the rendezvous result is the
 * figure.
 *
 * <p>Checkers: every new peer's rendezvous completes within the budget and finds at least one
 * member; the fraction that found every announced member is reported (and, with no loss and no
 * failed nodes, must be 1).
 */
public final class RendezvousScenario implements Scenario {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private static final String CLUSTER = "sim-cluster";

  @Override
  public String name() {
    return "rendezvous";
  }

  @Override
  public String summary() {
    return "new peers find their cluster's members through the DHT (provider records)";
  }

  @Override
  public Report run(ScenarioOptions options, Progress progress) {
    SplittableRandom draw = new SplittableRandom(TraceHash.mix(options.seed() ^ 0x7e2dL));
    int n = options.peers() != null ? options.peers() : 200 + draw.nextInt(801);
    double failed =
        options.failed() != null
            ? options.failed()
            : new double[] {0, 0, 0.1, 0.2}[draw.nextInt(4)];
    double loss = options.loss() != null ? options.loss() : (draw.nextInt(4) == 0 ? 0.01 : 0);
    int members = 3 + draw.nextInt(Math.min(18, n / 10));
    int newcomers = options.lookups() != null ? options.lookups() : 10 + draw.nextInt(11);
    long settleNanos = options.durationNanos() != null ? options.durationNanos() : 30 * S;
    DhtConfig config = DhtConfig.defaults();
    if (options.joinRefreshes() != null) {
      config = config.toBuilder().bootstrapRefreshLookupsMax(options.joinRefreshes()).build();
    }
    long spacingNanos = Math.max(100_000L, Math.min(20 * MS, 60 * S / n));

    Report report = new Report(name(), options.seed());
    report
        .config("nodes", n)
        .config("cluster members announced", members)
        .config("new peers", newcomers)
        .config("failed fraction", failed)
        .config("loss", loss)
        .config("k", config.bucketSize())
        .config("bootstrap refresh lookups max", config.bootstrapRefreshLookupsMax())
        .config("request timeout ms", config.requestTimeoutNanos() / MS);

    DhtCluster cluster = new DhtCluster(options.seed(), config, NetworkConfig.LAN.withLoss(loss));
    Simulator<?> sim = cluster.sim();
    SplittableRandom workload = sim.fork();
    long total = n * spacingNanos + settleNanos + newcomers * 5 * S + 120 * S;

    DhtGrowth growth = new DhtGrowth();
    growth.grow(cluster, n, spacingNanos, 120 * S, workload, total, progress);
    Phases.runUntil(sim, sim.nowNanos() + settleNanos, total, progress, "settling");

    // The cluster's members announce themselves.
    List<Integer> announced = new ArrayList<>();
    Set<NodeId> memberIds = new HashSet<>();
    int[] announceDone = {0};
    while (announced.size() < members) {
      int m = 1 + workload.nextInt(n - 1);
      if (!announced.contains(m)) {
        announced.add(m);
        memberIds.add(cluster.id(m));
        cluster.rendezvous(m, CLUSTER, meta(m), r -> announceDone[0]++);
      }
    }
    report.marker(sim.nowNanos() / 1e9, members + " members announce");
    Phases.awaitConvergence(
        sim, 60 * S, 100 * MS, () -> announceDone[0] == members, total, progress, "announcing");

    // Silent failures among the other nodes (node 0, the seed, and the members are spared).
    BitSet down = new BitSet(n);
    int toFail = (int) Math.round(failed * n);
    while (down.cardinality() < toFail && down.cardinality() < n - members - 1) {
      int victim = 1 + workload.nextInt(n - 1);
      if (!down.get(victim) && !announced.contains(victim)) {
        down.set(victim);
        sim.apply(new Fault.Crash(victim));
        cluster.forgetOperations(victim);
      }
    }
    if (toFail > 0) {
      report.marker(sim.nowNanos() / 1e9, toFail + " nodes fail");
    }

    // New peers arrive, one every 5 s, each with one live seed.
    Distribution seconds = new Distribution();
    Distribution found = new Distribution();
    int[] complete = {0, 0}; // finished, found all
    List<double[]> series = new ArrayList<>();
    long start = sim.nowNanos() + S;
    for (int j = 0; j < newcomers; j++) {
      int peer = cluster.addNode();
      int seed;
      do {
        seed = workload.nextInt(n);
      } while (down.get(seed));
      int seedNode = seed;
      sim.schedule(
          start + j * 5 * S,
          () -> {
            long began = sim.nowNanos();
            cluster.start(peer);
            joinThen(
                cluster,
                peer,
                seedNode,
                0,
                boot -> {
                  if (boot.status() != OperationStatus.COMPLETED
                      || ((DhtResult.BootstrapResult) boot).routingTableSize() == 0) {
                    report.violation(
                        "new peer "
                            + peer
                            + " could not bootstrap after "
                            + (DhtGrowth.RETRIES_MAX + 1)
                            + " attempts: "
                            + boot.status());
                    complete[0]++;
                    return;
                  }
                  cluster.rendezvous(
                      peer,
                      CLUSTER,
                      meta(peer),
                      result -> {
                        complete[0]++;
                        double took = (sim.nowNanos() - began) / 1e9;
                        seconds.add(took);
                        series.add(new double[] {sim.nowNanos() / 1e9, took});
                        int hits = 0;
                        for (DhtRecord r : ((DhtResult.RendezvousResult) result).providers()) {
                          if (memberIds.contains(r.publisher().id())) {
                            hits++;
                          }
                        }
                        found.add(hits);
                        if (hits == members) {
                          complete[1]++;
                        } else if (hits == 0) {
                          report.violation("new peer " + peer + " found no member of its cluster");
                        }
                      });
                });
          });
    }
    report.marker(start / 1e9, "new peers arrive");
    Phases.runUntil(sim, start + newcomers * 5 * S, total, progress, "new peers");
    long waited =
        Phases.awaitConvergence(
            sim, 60 * S, 100 * MS, () -> complete[0] == newcomers, total, progress, "rendezvous");
    if (waited < 0) {
      report.violation(
          (newcomers - complete[0]) + " of " + newcomers + " rendezvous did not complete in 60 s");
    }
    double foundAll = seconds.isEmpty() ? Double.NaN : complete[1] / (double) seconds.count();
    growth.report(report);
    report.distribution("rendezvous time", seconds, "s");
    report.figure("members found p50", found.percentile(50), "");
    report.figure("found every member", foundAll, "fraction");
    if (loss == 0 && failed == 0 && foundAll < 1) {
      report.violation(
          "with no loss and no failures, " + foundAll + " of new peers found every member");
    }
    report.plot("time for a new peer to find its cluster", "seconds");
    report.series(new Report.Series("rendezvous time (s)", series));
    report.finish(sim.trace().hex(), sim.stats().events(), sim.nowNanos() / 1e9);
    report.replayCommand(options.replayCommand());
    return report;
  }

  /**
   * Bootstraps, retrying (as a host would) while the table stays empty, then calls {@code then}.
   */
  private static void joinThen(
      DhtCluster cluster,
      int peer,
      int seed,
      int attempt,
      java.util.function.Consumer<DhtResult> then) {
    cluster.bootstrap(
        peer,
        seed,
        boot -> {
          boolean empty =
              boot.status() != OperationStatus.COMPLETED
                  || ((DhtResult.BootstrapResult) boot).routingTableSize() == 0;
          if (empty && attempt < DhtGrowth.RETRIES_MAX) {
            cluster
                .sim()
                .schedule(
                    cluster.sim().nowNanos() + DhtGrowth.RETRY_DELAY_NANOS,
                    () -> joinThen(cluster, peer, seed, attempt + 1, then));
          } else {
            then.accept(boot);
          }
        });
  }

  private static byte[] meta(int node) {
    return ("peer-" + node).getBytes(StandardCharsets.UTF_8);
  }
}
