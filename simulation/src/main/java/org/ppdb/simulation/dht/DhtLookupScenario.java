package org.ppdb.simulation.dht;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.ppdb.dht.Contact;
import org.ppdb.dht.DhtConfig;
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
 * {@code dht-lookup}: grows a Kademlia network of real cores by bootstrap, lets it settle, fails a
 * fraction of the nodes without warning, then runs lookups of random targets from random live nodes
 * and checks each result against the brute-force k closest live nodes ({@link ClosestOracle}).
 *
 * <p>Figures (issue 5): rounds and messages per lookup (p50, p99), the fraction of lookups that
 * found the true closest node and the fraction that returned exactly the true k closest, memory per
 * node. Checkers: every lookup completes within its budget; a lookup never returns a node that had
 * failed before it started (it reports only nodes that answered); results are sorted by distance;
 * with no message loss and at most 30% failed, at least 95% of lookups find the true closest node
 * (a floor far below the goal, so that only a broken core trips it).
 *
 * <p>Drawn from the seed when not given: nodes 200..2,000; failed fraction 0, 10, 20 or 30%; loss 0
 * or 1%; lookups 500; and (in swarm mode) k, alpha and the request timeout.
 */
public final class DhtLookupScenario implements Scenario {

  /** Below this fraction of true-closest hits (no loss, <= 30% failed) the run fails. */
  public static final double CLOSEST_FOUND_FRACTION_MIN = 0.95;

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  private final boolean swarm;

  /** The named scenario with ppdb's DHT defaults. */
  public DhtLookupScenario() {
    this(false);
  }

  /** With {@code swarm}, the DHT configuration is also drawn from the seed. */
  public DhtLookupScenario(boolean swarm) {
    this.swarm = swarm;
  }

  @Override
  public String name() {
    return "dht-lookup";
  }

  @Override
  public String summary() {
    return "Kademlia lookups checked against brute-force closest-k, with failed nodes";
  }

  @Override
  public Report run(ScenarioOptions options, Progress progress) {
    SplittableRandom draw = new SplittableRandom(TraceHash.mix(options.seed() ^ 0x5a17L));
    int n = options.peers() != null ? options.peers() : 200 + draw.nextInt(1801);
    double failed =
        options.failed() != null
            ? options.failed()
            : new double[] {0, 0.1, 0.2, 0.3}[draw.nextInt(4)];
    double loss = options.loss() != null ? options.loss() : (draw.nextInt(4) == 0 ? 0.01 : 0);
    int lookups = options.lookups() != null ? options.lookups() : 500;
    DhtConfig config = DhtConfig.defaults();
    if (options.joinRefreshes() != null) {
      config = config.toBuilder().bootstrapRefreshLookupsMax(options.joinRefreshes()).build();
    }
    if (swarm) {
      config =
          config.toBuilder()
              .bucketSize(8 + draw.nextInt(13))
              .alpha(2 + draw.nextInt(4))
              .requestTimeoutNanos((500 + draw.nextInt(2501)) * MS)
              .build();
    }
    long settleNanos = options.durationNanos() != null ? options.durationNanos() : 30 * S;
    long spacingNanos = Math.max(100_000L, Math.min(20 * MS, 60 * S / n));

    Report report = new Report(name(), options.seed());
    report
        .config("nodes", n)
        .config("failed fraction", failed)
        .config("loss", loss)
        .config("lookups", lookups)
        .config("k", config.bucketSize())
        .config("bootstrap refresh lookups max", config.bootstrapRefreshLookupsMax())
        .config("alpha", config.alpha())
        .config("request timeout ms", config.requestTimeoutNanos() / MS)
        .config("join spacing ms", spacingNanos / (double) MS)
        .config("settle", ScenarioOptions.formatDuration(settleNanos));

    DhtCluster cluster = new DhtCluster(options.seed(), config, NetworkConfig.LAN.withLoss(loss));
    Simulator<?> sim = cluster.sim();
    SplittableRandom workload = sim.fork();
    long growNanos = (long) n * spacingNanos;
    long total = growNanos + settleNanos + 5 * S + lookups * 10 * MS + 60 * S;

    // Phase 1: grow the network by real bootstraps; let it settle.
    DhtGrowth growth = new DhtGrowth();
    growth.grow(cluster, n, spacingNanos, 120 * S, workload, total, progress);
    Phases.runUntil(sim, sim.nowNanos() + settleNanos, total, progress, "settling");
    long heap = progress.measureHeapBytes();

    // Phase 2 (faults): fail nodes silently; node 0 is kept as the well-known seed.
    BitSet down = new BitSet(n);
    int toFail = (int) Math.round(failed * n);
    while (down.cardinality() < toFail) {
      int victim = 1 + workload.nextInt(n - 1);
      if (!down.get(victim)) {
        down.set(victim);
        sim.apply(new Fault.Crash(victim));
        cluster.forgetOperations(victim);
      }
    }
    if (toFail > 0) {
      report.marker(sim.nowNanos() / 1e9, toFail + " nodes fail");
    }
    Phases.runUntil(sim, sim.nowNanos() + 5 * S, total, progress, "failures settle");
    int[] live = down.isEmpty() ? range(n) : liveNodes(n, down);
    NodeId[] ids = new NodeId[n];
    for (int i = 0; i < n; i++) {
      ids[i] = cluster.id(i);
    }
    ClosestOracle oracle = new ClosestOracle(live, ids);

    // Phase 3: lookups of random targets from random live nodes.
    Distribution rounds = new Distribution();
    Distribution requests = new Distribution();
    Distribution timeouts = new Distribution();
    Distribution seconds = new Distribution();
    Distribution returned = new Distribution();
    Distribution overlap = new Distribution();
    int[] outcome = new int[4]; // completed, closest found, exact k, not completed normally
    List<double[]> doneSeries = new ArrayList<>();
    List<double[]> exactSeries = new ArrayList<>();
    long lookupStart = sim.nowNanos();
    report.marker(lookupStart / 1e9, "lookups start");
    int k = config.bucketSize();
    for (int i = 0; i < lookups; i++) {
      int source = live[workload.nextInt(live.length)];
      NodeId target = NodeId.random(workload);
      sim.schedule(
          lookupStart + i * 10 * MS,
          () -> {
            long started = sim.nowNanos();
            boolean ran =
                cluster.lookup(
                    source,
                    target,
                    result -> {
                      outcome[0]++;
                      if (result.status() != OperationStatus.COMPLETED) {
                        outcome[3]++;
                        report.violation(
                            "lookup from node " + source + " ended " + result.status());
                        return;
                      }
                      List<Contact> got = ((DhtResult.LookupResult) result).closest();
                      int[] truth = oracle.closest(target, k, source);
                      check(report, cluster, got, truth, down, target, source);
                      if (!got.isEmpty()
                          && truth.length > 0
                          && got.get(0).id().equals(ids[truth[0]])) {
                        outcome[1]++;
                      }
                      returned.add(got.size());
                      overlap.add(overlap(got, truth, ids));
                      if (exact(got, truth, ids)) {
                        outcome[2]++;
                      }
                      rounds.add(result.stats().rounds());
                      requests.add(result.stats().requests());
                      timeouts.add(result.stats().timeouts());
                      seconds.add((sim.nowNanos() - started) / 1e9);
                      if (outcome[0] % Math.max(1, lookups / 100) == 0) {
                        doneSeries.add(new double[] {sim.nowNanos() / 1e9, outcome[0]});
                        exactSeries.add(new double[] {sim.nowNanos() / 1e9, outcome[1]});
                      }
                    });
            if (!ran) {
              report.violation("lookup source node " + source + " was not up");
            }
          });
    }
    Phases.runUntil(sim, lookupStart + lookups * 10 * MS, total, progress, "lookups");
    long waited =
        Phases.awaitConvergence(
            sim, 60 * S, 100 * MS, () -> outcome[0] == lookups, total, progress, "lookups finish");
    if (waited < 0) {
      report.violation(
          (lookups - outcome[0]) + " of " + lookups + " lookups did not complete within 60 s");
    }

    // Figures.
    int completed = outcome[0] - outcome[3];
    double closestFraction = completed == 0 ? Double.NaN : (double) outcome[1] / completed;
    double exactFraction = completed == 0 ? Double.NaN : (double) outcome[2] / completed;
    growth.report(report);
    report.distribution("lookup rounds", rounds, "");
    report.distribution("lookup requests sent", requests, "messages");
    report.figure("lookup timeouts p99", timeouts.percentile(99), "");
    report.distribution("lookup time", seconds, "s");
    report.figure("true closest found", closestFraction, "fraction");
    report.figure("exact k closest returned", exactFraction, "fraction");
    report.figure("contacts returned p50", returned.percentile(50), "");
    report.figure("contacts returned min", returned.min(), "");
    report.figure("true k closest among returned, mean", overlap.mean(), "fraction");
    Simulator.Stats stats = sim.stats();
    report.figure(
        "messages per node per second",
        stats.messagesSent() / (double) n / (sim.nowNanos() / 1e9),
        "");
    report.figure(
        "bytes per node per second",
        stats.bytesSent() / (double) n / (sim.nowNanos() / 1e9),
        "B/s");
    if (heap >= 0) {
      report.figure("memory per node", heap / (double) n, "bytes");
    }
    if (loss == 0
        && failed <= 0.3
        && completed > 0
        && closestFraction < CLOSEST_FOUND_FRACTION_MIN) {
      report.violation(
          "true closest found in "
              + closestFraction
              + " of lookups (expected: >= "
              + CLOSEST_FOUND_FRACTION_MIN
              + " with no loss and <= 30% failed)");
    }
    report.plot("DHT growth and lookups", "count");
    report.series(new Report.Series("nodes bootstrapped", growth.joinedSeries));
    report.series(new Report.Series("lookups completed", doneSeries));
    report.series(new Report.Series("found true closest", exactSeries));
    report.finish(sim.trace().hex(), stats.events(), sim.nowNanos() / 1e9);
    report.replayCommand(options.replayCommand());
    return report;
  }

  private static void check(
      Report report,
      DhtCluster cluster,
      List<Contact> got,
      int[] truth,
      BitSet down,
      NodeId target,
      int source) {
    for (int i = 0; i < got.size(); i++) {
      Contact c = got.get(i);
      int node = DhtCluster.index(c.address());
      if (down.get(node)) {
        report.violation(
            "lookup of "
                + target.toShortString()
                + " from node "
                + source
                + " returned failed node "
                + node);
      }
      if (!cluster.id(node).equals(c.id())) {
        report.violation("lookup returned node " + node + " under a wrong id " + c.id());
      }
      if (i > 0 && NodeId.compareDistance(target, got.get(i - 1).id(), c.id()) > 0) {
        report.violation("lookup of " + target.toShortString() + " returned an unsorted list");
        break;
      }
    }
    if (got.size() > truth.length) {
      report.violation(
          "lookup returned " + got.size() + " contacts (expected: <= " + truth.length + ")");
    }
  }

  /** The fraction of the true k closest that the result holds. */
  private static double overlap(List<Contact> got, int[] truth, NodeId[] ids) {
    if (truth.length == 0) {
      return 1;
    }
    Set<NodeId> have = new HashSet<>();
    for (Contact c : got) {
      have.add(c.id());
    }
    int hits = 0;
    for (int t : truth) {
      if (have.contains(ids[t])) {
        hits++;
      }
    }
    return hits / (double) truth.length;
  }

  private static boolean exact(List<Contact> got, int[] truth, NodeId[] ids) {
    if (got.size() != truth.length) {
      return false;
    }
    Set<NodeId> want = new HashSet<>();
    for (int t : truth) {
      want.add(ids[t]);
    }
    for (Contact c : got) {
      if (!want.contains(c.id())) {
        return false;
      }
    }
    return true;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static int[] liveNodes(int n, BitSet down) {
    int[] r = new int[n - down.cardinality()];
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (!down.get(i)) {
        r[j++] = i;
      }
    }
    return r;
  }
}
