package org.ppdb.simulation.peer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.ppdb.dht.DhtConfig;
import org.ppdb.gossip.Member;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.MemberStatus;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.api.ReplicasUnavailableException;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.node.NodeConfig;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.peer.replication.DataConfig;
import org.ppdb.peer.replication.ReplicaRecord;
import org.ppdb.peer.replication.ReplicationCore;
import org.ppdb.peer.ring.RingMetadata;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Partition;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.TraceHash;
import org.ppdb.simulation.check.History;
import org.ppdb.simulation.check.Operation;
import org.ppdb.simulation.check.RegisterChecker;
import org.ppdb.simulation.check.UniqueKeyChecker;
import org.ppdb.simulation.check.Verdict;
import org.ppdb.simulation.kv.KvEndpoint;
import org.ppdb.simulation.kv.KvWorkload;
import org.ppdb.simulation.kv.KvWorkloadConfig;
import org.ppdb.simulation.report.Distribution;
import org.ppdb.simulation.report.Report;
import org.ppdb.simulation.scenario.Phases;
import org.ppdb.simulation.scenario.Progress;
import org.ppdb.simulation.scenario.Scenario;
import org.ppdb.simulation.scenario.ScenarioOptions;

/**
 * {@code kv}: the replicated key-value store under test, Jepsen style, in the simulator. Every peer
 * runs a full {@link NodeCore} with its data path ({@link ReplicationCore}) over a simulated store
 * on a simulated disk that survives crashes; simulated clients ({@link KvWorkload}) send requests
 * to random peers and record every operation; nemeses break the network and the peers; then
 * everything heals and the checkers judge the histories and the replicas.
 *
 * <h2>A run</h2>
 *
 * <ol>
 *   <li>5 to 9 peers (drawn from the seed unless {@code --peers}) start 0-200 ms apart, join
 *       through the seeds (peers 0 and 1), and form the ring (each founds it or streams its
 *       ranges). Each peer's clock has its own skew (up to {@link #SKEW_MAX_NANOS} either way,
 *       drawn per seed) and drift; the wall clock that feeds the peer's hybrid logical clock is
 *       that skewed clock.
 *   <li>The fault phase ({@code --duration}, 60 s by default): the unique-key and single-writer
 *       register workloads run at QUORUM; in half the seeds the last peer starts only now, 20-53%
 *       into the phase, and joins the ring (bootstrap streaming) under the load; two nemeses act,
 *       one after another each: the network nemesis (random splits, an isolated peer, overlapping
 *       majorities, one-way cuts, loss bursts on top of {@code --loss}) and the peer nemesis (a
 *       crash then a restart with the disk kept, a stop-the-world pause, a forward clock step).
 *   <li>The heal: every partition, loss and clog removed, crashed peers restarted; the membership
 *       must converge (every peer sees every other alive, every peer serves) within the budget.
 *   <li>Final reads: every key either workload touched is read at ALL (retried up to 5 times),
 *       which also read-repairs every replica; then, after a short settle, the N replicas of every
 *       key are compared on their disks.
 * </ol>
 *
 * <h2>Verdict</h2>
 *
 * Violations: a lost acknowledged write ({@link UniqueKeyChecker}), a register regression, a
 * phantom read or a visible failed write ({@link RegisterChecker}), a key left unverified, replicas
 * that differ after the final reads, a cluster that does not form or heal, and a request that ends
 * with an error outside the data API's contract. Stale reads during the run are counted; they fail
 * the run only without faults (see {@link RegisterChecker} for why).
 *
 * <p>Stateless; {@link #run} builds everything from the seed. Simulator thread only.
 */
public final class KvScenario implements Scenario {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;
  private static final String CLUSTER = "sim-kv";

  /** The wall clock of an unskewed peer at simulated time zero: 2026-01-01T00:00:00Z. */
  static final long EPOCH_MILLIS_AT_START = 1_767_225_600_000L;

  /**
   * Every peer's monotonic clock reads at least this at time zero, so skews in both directions keep
   * local times positive.
   */
  static final long CLOCK_BASE_NANOS = 1_000 * S;

  /** The largest skew between a peer's clock and true time, either way. */
  static final long SKEW_MAX_NANOS = 5 * S;

  /** The largest forward step of a peer's clock by the peer nemesis. */
  static final long CLOCK_STEP_MAX_NANOS = 3 * S;

  /** Time allowed for the ring to form after the last peer started. */
  static final long FORM_BUDGET_NANOS = 60 * S;

  /** Time allowed for the final reads of every key. */
  static final long FINAL_READS_BUDGET_NANOS = 600 * S;

  /** Time after the final reads for read repairs to land before the replicas are compared. */
  static final long REPAIR_SETTLE_NANOS = 5 * S;

  /** How often convergence conditions are tested. */
  static final long POLL_NANOS = 50 * MS;

  /** Default length of the fault phase. */
  static final long DURATION_DEFAULT_NANOS = 60 * S;

  /** Anomalies described in full in a report. */
  static final int SAMPLES_MAX = 5;

  private final boolean faults;

  /** The scenario with faults (what {@code --scenario kv} runs). */
  public KvScenario() {
    this(true);
  }

  /**
   * @param faults false for a calm run: no nemesis, no skew, no loss unless {@code --loss}; stale
   *     reads then fail the run
   */
  public KvScenario(boolean faults) {
    this.faults = faults;
  }

  @Override
  public String name() {
    return "kv";
  }

  @Override
  public String summary() {
    return "replicated key-value store, Jepsen style: unique-key and register workloads under"
        + " loss, partitions, crashes and clock skew; 0 lost writes, 0 regressions, equal replicas";
  }

  @Override
  public Report run(ScenarioOptions options, Progress progress) {
    SplittableRandom draw = new SplittableRandom(TraceHash.mix(options.seed() ^ 0x6b76L));
    int n = options.peers() != null ? options.peers() : 5 + draw.nextInt(5);
    if (n < 3 || n > 64) {
      throw new IllegalArgumentException("peers: " + n + " (expected: 3..64)");
    }
    long durationNanos =
        options.durationNanos() != null ? options.durationNanos() : DURATION_DEFAULT_NANOS;
    double[] losses = {0, 0.01, 0.02, 0.05};
    double loss =
        options.loss() != null ? options.loss() : faults ? losses[draw.nextInt(losses.length)] : 0;
    long[] skews = {0, 500 * MS, 2 * S, SKEW_MAX_NANOS};
    long skewMaxNanos = faults ? skews[draw.nextInt(skews.length)] : 0;
    // Half the faulty runs add the last peer during the fault phase: a join (bootstrap streaming,
    // pending replicas) under the workload and the faults.
    boolean lateJoin = faults && n >= 4 && draw.nextBoolean();
    int founders = lateJoin ? n - 1 : n;
    SwimConfig swim = SwimConfig.ppdbDefaults();
    DhtConfig dht = DhtConfig.defaults().toBuilder().requestTimeoutNanos(500 * MS).build();
    DataConfig data = DataConfig.defaults(3, DataConfig.TOKENS_PER_MEMBER_DEFAULT, 0);
    KvWorkloadConfig workloadConfig = KvWorkloadConfig.defaults();
    long convergeBudgetNanos = PeersCrashScenario.convergenceBudgetNanos(swim, n);

    Report report = new Report(name(), options.seed());
    report
        .config("peers", n)
        .config("replication factor", data.replicationFactor())
        .config("tokens per peer", data.tokensPerMember())
        .config("faults", faults)
        .config("peer joining during the faults", lateJoin ? "peer " + (n - 1) : "none")
        .config("loss", loss)
        .config("clock skew max ms", skewMaxNanos / MS)
        .config("fault phase", ScenarioOptions.formatDuration(durationNanos))
        .config(
            "clients",
            workloadConfig.uniqueWriters()
                + " unique-key writers, "
                + workloadConfig.registers()
                + " register writers, "
                + workloadConfig.readers()
                + " readers")
        .config(
            "consistency",
            workloadConfig.consistency() + ", final reads " + workloadConfig.finalConsistency())
        .config(
            "register write versions",
            workloadConfig.registerClientVersions()
                ? "stamped by each writer's own clock (client versions)"
                : "stamped by the coordinators");

    Simulator<Object> sim =
        new Simulator<>(options.seed(), NetworkConfig.LAN, PeerMessages.INSTANCE);
    SplittableRandom setup = sim.fork();
    SplittableRandom nemesisRandom = sim.fork();
    NodeId[] ids = new NodeId[n];
    Map<NodeId, Integer> indexOfId = new TreeMap<>();
    Map<MemberId, Integer> indexOfMember = new TreeMap<>(MemberIdOrder.INSTANCE);
    SimDisk[] disks = new SimDisk[n];
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[NodeId.LENGTH_BYTES];
      setup.nextBytes(bytes);
      ids[i] = NodeId.of(bytes);
      indexOfId.put(ids[i], i);
      indexOfMember.put(MemberId.of(bytes), i);
      disks[i] = new SimDisk();
    }
    DataLog dataLog = new DataLog(sim);
    for (int i = 0; i < n; i++) {
      int index = i;
      long skew = skewMaxNanos == 0 ? 0 : setup.nextLong(-skewMaxNanos, skewMaxNanos + 1);
      double drift = faults ? setup.nextDouble(-100, 100) : 0;
      NodeConfig nodeConfig =
          new NodeConfig(
              CLUSTER,
              PeerSimNode.address(i),
              seeds(i),
              List.of(),
              swim,
              dht,
              NodeConfig.RENDEZVOUS_RETRY_NANOS_DEFAULT);
      java.util.function.LongSupplier wallMillis =
          () -> EPOCH_MILLIS_AT_START + Math.floorDiv(sim.localNanos(index) - CLOCK_BASE_NANOS, MS);
      sim.addNode(
          (slot, random, life) -> {
            SimReplicaStore store =
                new SimReplicaStore(disks[index], sim, index, life, random.split(), wallMillis);
            NodeCore.DataPlane plane =
                new NodeCore.DataPlane(
                    data, store, wallMillis, disks[index].joined(), disks[index].savedRing());
            return new PeerSimNode(
                index, nodeConfig, ids[index], random, dataLog, plane, disks[index]);
          },
          new NodeClock(CLOCK_BASE_NANOS + skew, drift));
    }
    Endpoint endpoint = new Endpoint(sim);
    KvWorkload workload =
        new KvWorkload(
            sim,
            sim.fork(),
            endpoint,
            n,
            workloadConfig,
            () -> EPOCH_MILLIS_AT_START + Math.floorDiv(sim.nowNanos(), MS));
    long total =
        2 * S * n / 10
            + FORM_BUDGET_NANOS
            + durationNanos
            + convergeBudgetNanos
            + workloadConfig.clientTimeoutNanos()
            + REPAIR_SETTLE_NANOS;

    // Phase 1: start the peers; they form the ring.
    long at = 0;
    for (int i = 0; i < founders; i++) {
      sim.schedule(at, new Fault.Start(i));
      at += setup.nextLong(200 * MS);
    }
    Phases.runUntil(sim, at, total, progress, "starting");
    long formed =
        Phases.awaitConvergence(
            sim,
            FORM_BUDGET_NANOS,
            POLL_NANOS,
            () -> healed(sim, founders, indexOfMember).isEmpty(),
            total,
            progress,
            "forming the ring");
    if (formed < 0) {
      report.violation(
          "the ring did not form within "
              + FORM_BUDGET_NANOS / S
              + " s: "
              + healed(sim, founders, indexOfMember));
      return finish(report, sim, options);
    }
    report.figure("ring formed after last start", formed / 1e9, "s");
    dataLog.formed = true;
    report.marker(sim.nowNanos() / 1e9, "ring formed");

    // Phase 2: workloads and nemeses.
    long faultStart = sim.nowNanos();
    long faultEnd = faultStart + durationNanos;
    if (loss > 0) {
      sim.apply(new Fault.Loss(loss));
    }
    workload.start(faultEnd);
    Nemesis nemesis = new Nemesis(sim, nemesisRandom, n, loss, skewMaxNanos > 0);
    if (faults) {
      nemesis.schedule(faultStart + 2 * S, faultEnd - 2 * S);
    }
    if (lateJoin) {
      long joinAt = faultStart + durationNanos / 5 + setup.nextLong(Math.max(1, durationNanos / 3));
      sim.schedule(joinAt, new Fault.Start(n - 1));
      report.marker(joinAt / 1e9, "peer " + (n - 1) + " joins");
    }
    Phases.runUntil(sim, faultEnd, total, progress, "faults");

    // Phase 3: heal everything; the membership must converge.
    sim.apply(new Fault.Heal());
    sim.apply(new Fault.Loss(0));
    for (int i = 0; i < n; i++) {
      if (!sim.state(i).alive()) {
        sim.apply(new Fault.Start(i));
      }
    }
    report.marker(sim.nowNanos() / 1e9, "heal");
    long healedAfter =
        Phases.awaitConvergence(
            sim,
            convergeBudgetNanos,
            POLL_NANOS,
            () -> healed(sim, n, indexOfMember).isEmpty(),
            total,
            progress,
            "healing");
    if (healedAfter < 0) {
      report.violation(
          "the cluster did not heal within "
              + convergeBudgetNanos / S
              + " s: "
              + healed(sim, n, indexOfMember));
      return finish(report, sim, options);
    }
    report.figure("cluster healed after", healedAfter / 1e9, "s");
    Phases.awaitConvergence(
        sim,
        workloadConfig.clientTimeoutNanos() + S,
        POLL_NANOS,
        () -> workload.pending() == 0,
        total,
        progress,
        "draining");

    // Phase 4: final reads at ALL (they read-repair), then compare the replicas.
    workload.startFinalReads();
    report.marker(sim.nowNanos() / 1e9, "final reads");
    long read =
        Phases.awaitConvergence(
            sim,
            FINAL_READS_BUDGET_NANOS,
            POLL_NANOS,
            workload::finalReadsDone,
            total,
            progress,
            "final reads");
    if (read < 0) {
      report.violation(
          "the final reads did not finish within " + FINAL_READS_BUDGET_NANOS / S + " s");
    }
    Phases.runUntil(sim, sim.nowNanos() + REPAIR_SETTLE_NANOS, total, progress, "settling");

    Verdict unique =
        new UniqueKeyChecker(workload.finalReadsFromNanos(), !faults)
            .check(workload.uniqueHistory());
    Verdict register =
        new RegisterChecker(workload.finalReadsFromNanos(), !faults)
            .check(workload.registerHistory());
    unique.addTo(report, workload.uniqueHistory());
    register.addTo(report, workload.registerHistory());
    for (org.ppdb.simulation.check.Anomaly a : unique.samples()) {
      if (a.kind() == org.ppdb.simulation.check.Anomaly.Kind.LOST_WRITE) {
        report.config("where is " + a.key(), whereIs(a.key(), sim, disks, indexOfId));
      }
    }
    compareReplicas(report, sim, disks, indexOfId, workload);
    figures(report, sim, n, workload, endpoint, nemesis, dataLog, faultEnd - faultStart);
    return finish(report, sim, options);
  }

  /** The most applied faults listed in a report's configuration. */
  static final int FAULTS_LISTED_MAX = 60;

  /**
   * Peers 0 and 1 are the seeds, and every peer is configured with both (but not itself), as an
   * operator would: a seed that restarts finds the cluster through the other.
   */
  static List<InetSocketAddress> seeds(int index) {
    List<InetSocketAddress> seeds = new ArrayList<>(2);
    for (int seed = 0; seed < 2; seed++) {
      if (seed != index) {
        seeds.add(PeerSimNode.address(seed));
      }
    }
    return seeds;
  }

  private static Report finish(Report report, Simulator<Object> sim, ScenarioOptions options) {
    StringBuilder log = new StringBuilder();
    int listed = 0;
    for (Simulator.FaultRecord f : sim.faultLog()) {
      if (f.fault() instanceof Fault.Start && f.atNanos() < 2 * S) {
        continue; // the initial starts
      }
      if (listed++ == FAULTS_LISTED_MAX) {
        log.append("; ...");
        break;
      }
      log.append(listed == 1 ? "" : "; ")
          .append(String.format(java.util.Locale.ROOT, "%.3f s ", f.atNanos() / 1e9))
          .append(f.fault().describe());
    }
    report.config("faults applied", log.toString());
    report.finish(sim.trace().hex(), sim.stats().events(), sim.nowNanos() / 1e9);
    report.replayCommand(options.replayCommand());
    return report;
  }

  /**
   * What keeps peers {@code 0..n-1} from being a whole cluster: a peer not running, not serving
   * reads, not seeing every other of them alive, or with another number of serving members on its
   * ring. Empty when whole.
   */
  static List<String> healed(Simulator<Object> sim, int n, Map<MemberId, Integer> indexOfMember) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n && out.size() < SAMPLES_MAX; i++) {
      PeerSimNode node = (PeerSimNode) sim.node(i);
      if (node == null || sim.state(i) != Simulator.NodeState.UP) {
        out.add("peer " + i + " is " + sim.state(i));
        continue;
      }
      ReplicationCore replication = node.core().replication();
      if (replication.state() != RingMetadata.State.NORMAL) {
        out.add("peer " + i + " is " + replication.state());
        continue;
      }
      if (replication.readRing().members().size() != n) {
        out.add(
            "peer "
                + i
                + " has "
                + replication.readRing().members().size()
                + " serving on its ring");
        continue;
      }
      for (Map.Entry<MemberId, Integer> entry : indexOfMember.entrySet()) {
        if (entry.getValue() == i || entry.getValue() >= n) {
          continue;
        }
        Member member = node.core().members().get(entry.getKey());
        if (member == null || member.status() != MemberStatus.ALIVE) {
          out.add(
              "peer "
                  + i
                  + " sees peer "
                  + entry.getValue()
                  + " "
                  + (member == null ? "unknown" : member.status()));
          break;
        }
      }
    }
    return out;
  }

  /** Every key's N replicas (by peer 0's ring) must hold the same record on their disks. */
  private static void compareReplicas(
      Report report,
      Simulator<Object> sim,
      SimDisk[] disks,
      Map<NodeId, Integer> indexOfId,
      KvWorkload workload) {
    PeerSimNode reference = (PeerSimNode) sim.node(0);
    if (reference == null) {
      report.violation("peer 0 is not running: cannot place keys to compare replicas");
      return;
    }
    List<String> keys = new ArrayList<>(workload.uniqueHistory().keys());
    keys.addAll(workload.registerHistory().keys());
    long divergent = 0;
    long compared = 0;
    for (String key : keys) {
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      List<NodeId> replicas = reference.core().replication().readRing().replicasForKey(bytes);
      ReplicaRecord first = null;
      boolean same = true;
      StringBuilder detail = new StringBuilder();
      for (int r = 0; r < replicas.size(); r++) {
        int index = indexOfId.get(replicas.get(r));
        ReplicaRecord record = disks[index].get(bytes);
        if (r == 0) {
          first = record;
        } else if (!(record == null ? first == null : record.sameAs(first))) {
          same = false;
        }
        detail
            .append(r == 0 ? "" : ", ")
            .append("peer ")
            .append(index)
            .append(": ")
            .append(show(record));
      }
      compared++;
      if (!same) {
        divergent++;
        if (divergent <= SAMPLES_MAX) {
          History history =
              key.startsWith("u") ? workload.uniqueHistory() : workload.registerHistory();
          report.violation(
              "replicas of key "
                  + key
                  + " differ after the final reads: "
                  + detail
                  + "\n"
                  + history.render(key, Verdict.HISTORY_LINES_MAX));
        }
      }
    }
    report.figure("keys compared on their replicas", compared, "");
    report.figure("keys whose replicas differ", divergent, "");
    if (divergent > SAMPLES_MAX) {
      report.violation((divergent - SAMPLES_MAX) + " more keys have replicas that differ");
    }
  }

  /** Which disks hold {@code key}, and which peers each running peer takes for its replicas. */
  private static String whereIs(
      String key, Simulator<Object> sim, SimDisk[] disks, Map<NodeId, Integer> indexOfId) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder("on disks of peers [");
    for (int i = 0; i < disks.length; i++) {
      if (disks[i].get(bytes) != null) {
        out.append(' ').append(i);
      }
    }
    out.append(" ], replicas by peer 0's ring [");
    PeerSimNode reference = (PeerSimNode) sim.node(0);
    if (reference != null) {
      for (NodeId id : reference.core().replication().readRing().replicasForKey(bytes)) {
        out.append(' ').append(indexOfId.get(id));
      }
    }
    return out.append(" ]").toString();
  }

  private static String show(ReplicaRecord record) {
    if (record == null) {
      return "none";
    }
    return (record.tombstone()
            ? "tombstone"
            : "\"" + new String(record.value(), StandardCharsets.UTF_8) + "\"")
        + " v"
        + Long.toHexString(record.version());
  }

  private static void figures(
      Report report,
      Simulator<Object> sim,
      int n,
      KvWorkload workload,
      Endpoint endpoint,
      Nemesis nemesis,
      DataLog dataLog,
      long faultPhaseNanos) {
    for (History history : List.of(workload.uniqueHistory(), workload.registerHistory())) {
      String name = history == workload.uniqueHistory() ? "unique-key" : "register";
      Distribution writeLatency = new Distribution();
      long[] outcomes = new long[Operation.Outcome.values().length];
      for (Operation op : history.operations()) {
        outcomes[op.outcome().ordinal()]++;
        if (op.kind().mutates() && op.ok()) {
          writeLatency.add((op.completeNanos() - op.invokeNanos()) / 1e6);
        }
      }
      report.figure(name + ": operations", history.size(), "");
      report.figure(name + ": ok", outcomes[Operation.Outcome.OK.ordinal()], "");
      report.figure(name + ": fail", outcomes[Operation.Outcome.FAIL.ordinal()], "");
      report.figure(name + ": info", outcomes[Operation.Outcome.INFO.ordinal()], "");
      report.distribution(name + ": ok write latency", writeLatency, "ms");
    }
    report.figure(
        "operations per simulated second",
        (workload.uniqueHistory().size() + workload.registerHistory().size())
            / (faultPhaseNanos / 1e9),
        "op/s");
    report.figure("client timeouts", workload.clientTimeouts(), "");
    report.figure("requests refused (peer down)", workload.refused(), "");
    report.figure("answers after the client gave up", workload.lateAnswers(), "");
    report.figure("unexpected errors", endpoint.unexpected, "");
    if (endpoint.unexpected > 0) {
      report.violation(
          endpoint.unexpected
              + " requests ended with an error outside the data API's contract, first: "
              + endpoint.firstUnexpected);
    }
    long readRepairs = 0;
    long skewWarnings = 0;
    long remoteAheadMaxMillis = 0;
    for (int i = 0; i < n; i++) {
      PeerSimNode node = (PeerSimNode) sim.node(i);
      if (node != null) {
        ReplicationCore replication = node.core().replication();
        readRepairs += replication.counters().readRepairs();
        skewWarnings += replication.clock().skewWarnings();
        remoteAheadMaxMillis =
            Math.max(remoteAheadMaxMillis, replication.clock().maxRemoteAheadMillis());
      }
    }
    report.figure("read repairs (peers' current lives)", readRepairs, "");
    report.figure("clock skew warnings (peers' current lives)", skewWarnings, "");
    report.figure("largest remote clock lead seen", remoteAheadMaxMillis, "ms");
    report.figure("rings founded after the cluster formed", dataLog.foundedLate, "");
    if (!dataLog.foundedLateSamples.isEmpty()) {
      report.config("rings founded late", String.join("; ", dataLog.foundedLateSamples));
    }
    report.figure("crashes", nemesis.crashes, "");
    report.figure("partitions", nemesis.partitions, "");
    report.figure("pauses", nemesis.pauses, "");
    report.figure("clock steps", nemesis.clockSteps, "");
    report.figure("loss bursts", nemesis.lossBursts, "");
    Simulator.Stats stats = sim.stats();
    report.figure("messages dropped by loss", stats.droppedLoss(), "");
    report.figure("messages dropped by partitions", stats.droppedPartition(), "");
  }

  /**
   * Watches the peers' data-path log lines for one that matters to the checkers: a peer founding a
   * ring of its own after the cluster formed (it heard of no serving member in time), which then
   * places keys on itself alone.
   */
  private static final class DataLog implements PeerSimNode.EventSink {
    private final Simulator<Object> sim;
    boolean formed;
    long foundedLate;
    final List<String> foundedLateSamples = new ArrayList<>();

    DataLog(Simulator<Object> sim) {
      this.sim = sim;
    }

    @Override
    public void onEvent(int observer, org.ppdb.gossip.MembershipEvent event) {}

    @Override
    public void onDataProgress(int peer, String what) {
      if (formed && what.contains("founding the ring")) {
        foundedLate++;
        if (foundedLateSamples.size() < SAMPLES_MAX) {
          foundedLateSamples.add(
              String.format(
                  java.util.Locale.ROOT, "peer %d at %.3f s", peer, sim.nowNanos() / 1e9));
        }
      }
    }
  }

  /** Clients reach peers through the data API of {@link NodeCore}, on the peer's thread. */
  private static final class Endpoint implements KvEndpoint {
    private final Simulator<Object> sim;
    long unexpected;
    String firstUnexpected;

    Endpoint(Simulator<Object> sim) {
      this.sim = sim;
    }

    @Override
    public boolean available(int node) {
      return sim.state(node) == Simulator.NodeState.UP;
    }

    @Override
    public boolean submit(
        int node,
        Request request,
        byte[] key,
        byte[] value,
        long version,
        String consistency,
        Completion done) {
      Consistency level = Consistency.valueOf(consistency);
      return sim.call(
          node,
          (peer, localNanos, out) -> {
            PeerSimNode peerNode = (PeerSimNode) peer;
            CompletableFuture<?> future =
                peerNode.call(
                    core ->
                        switch (request) {
                          case PUT -> write(peerNode, core, key, value, version, level, localNanos);
                          case DELETE ->
                              write(peerNode, core, key, null, version, level, localNanos);
                          case GET -> get(peerNode, core, key, level, localNanos);
                        },
                    out);
            // Answer the client as its own event: never inside the node's call stack.
            future.whenComplete(
                (result, error) ->
                    sim.schedule(sim.nowNanos(), () -> answer(request, result, error, done)));
          });
    }

    /**
     * A read as the production peer serves it: a coordinator that replicates the key reads its own
     * copy ahead of the node ({@code LocalPath.readAhead}) — here for keys whose last byte is even,
     * so both ways of reading run in every scenario.
     */
    private static CompletableFuture<Optional<StoredValue>> get(
        PeerSimNode node, NodeCore core, byte[] key, Consistency level, long localNanos) {
      org.ppdb.peer.replication.LocalPlacement placement =
          core.replication() == null ? null : core.replication().localPlacement();
      if (placement != null
          && placement.isReplica(key)
          && key.length > 0
          && (key[key.length - 1] & 1) == 0) {
        return core.get(
            key,
            level,
            localNanos,
            new org.ppdb.peer.replication.ReplicationCore.LocalAnswer(node.readLocal(key)));
      }
      return core.get(key, level, localNanos);
    }

    /**
     * A write as the production peer serves it: a coordinator that replicates the key applies it to
     * its own store ahead of the node ({@code LocalPath.writeAhead}), and a definite refusal after
     * that is indeterminate — here for keys whose last byte is even, like reads. A client's version
     * (non-zero) stamps the write, as in {@code LocalPath}.
     */
    private static CompletableFuture<Long> write(
        PeerSimNode node,
        NodeCore core,
        byte[] key,
        byte[] value,
        long clientVersion,
        Consistency level,
        long localNanos) {
      ReplicationCore replication = core.replication();
      org.ppdb.peer.replication.LocalPlacement placement =
          replication == null ? null : replication.localPlacement();
      if (placement == null
          || !placement.writesAhead(key)
          || key.length == 0
          || (key[key.length - 1] & 1) != 0
          || (clientVersion != 0
              && replication.clock().clientVersionProblem(clientVersion) != null)) {
        return core.writeVersioned(key, value, 0, clientVersion, level, localNanos);
      }
      long version =
          clientVersion != 0
              ? replication.clock().acceptClientVersion(clientVersion)
              : replication.clock().now();
      ReplicaRecord record =
          value == null
              ? ReplicaRecord.tombstone(key, version)
              : new ReplicaRecord(key, value, version, 0);
      long held = node.writeLocal(record);
      CompletableFuture<Long> result = new CompletableFuture<>();
      core.write(new ReplicationCore.WrittenAhead(record, held, null), level, localNanos)
          .whenComplete(
              (written, error) -> {
                if (error == null) {
                  result.complete(written);
                } else {
                  Throwable cause =
                      error instanceof CompletionException && error.getCause() != null
                          ? error.getCause()
                          : error;
                  result.completeExceptionally(
                      org.ppdb.peer.replication.LocalPath.afterApplied(cause, level));
                }
              });
      return result;
    }

    private void answer(Request request, Object result, Throwable error, Completion done) {
      if (error instanceof CompletionException && error.getCause() != null) {
        error = error.getCause();
      }
      if (error == null) {
        if (request == Request.GET) {
          @SuppressWarnings("unchecked")
          Optional<StoredValue> read = (Optional<StoredValue>) result;
          done.ok(read.map(StoredValue::value).orElse(null));
        } else {
          done.ok(null);
        }
      } else if (error instanceof ReplicasUnavailableException
          || error instanceof OverloadedException) {
        done.fail(error.getClass().getSimpleName() + ": " + error.getMessage());
      } else if (error instanceof RequestTimeoutException) {
        done.info(error.getClass().getSimpleName() + ": " + error.getMessage());
      } else {
        unexpected++;
        if (firstUnexpected == null) {
          firstUnexpected = error.toString();
        }
        done.info("unexpected " + error);
      }
    }
  }

  /** Orders member ids by their bytes, for a deterministic map. */
  private enum MemberIdOrder implements java.util.Comparator<MemberId> {
    INSTANCE;

    @Override
    public int compare(MemberId a, MemberId b) {
      return Arrays.compareUnsigned(a.toBytes(), b.toBytes());
    }
  }

  /**
   * The fault schedule of a run: two nemeses, each doing one thing at a time with pauses between,
   * drawn from the seed. The network nemesis installs partitions (a random split, an isolated peer,
   * a ring of overlapping majorities, a one-way cut) and loss bursts, each for 2-15 s; the peer
   * nemesis crashes a peer and restarts it 1-10 s later (its disk kept), pauses one for 0.5-5 s, or
   * steps one's clock forward by up to {@link #CLOCK_STEP_MAX_NANOS} (with skew on).
   */
  private static final class Nemesis {
    private final Simulator<Object> sim;
    private final SplittableRandom random;
    private final int n;
    private final double baseLoss;
    private final boolean stepClocks;
    int crashes;
    int partitions;
    int pauses;
    int clockSteps;
    int lossBursts;

    Nemesis(Simulator<Object> sim, SplittableRandom random, int n, double baseLoss, boolean steps) {
      this.sim = sim;
      this.random = random;
      this.n = n;
      this.baseLoss = baseLoss;
      this.stepClocks = steps;
    }

    void schedule(long from, long until) {
      long t = from + random.nextLong(3 * S);
      while (t < until) {
        long d = 2 * S + random.nextLong(13 * S);
        long end = Math.min(until, t + d);
        int kind = random.nextInt(5);
        if (kind == 4) {
          double burst = Math.min(0.5, baseLoss + 0.05 + random.nextDouble() * 0.25);
          sim.schedule(t, new Fault.Loss(burst));
          sim.schedule(end, new Fault.Loss(baseLoss));
          lossBursts++;
        } else {
          sim.schedule(t, new Fault.Partitioned(partition(kind)));
          sim.schedule(end, new Fault.Heal());
          partitions++;
        }
        t = end + S + random.nextLong(5 * S);
      }
      t = from + random.nextLong(3 * S);
      while (t < until) {
        int victim = random.nextInt(n);
        int kind = random.nextInt(stepClocks ? 4 : 3);
        long end;
        if (kind <= 1) {
          long d = S + random.nextLong(9 * S);
          end = Math.min(until, t + d);
          sim.schedule(t, new Fault.Crash(victim));
          sim.schedule(end, new Fault.Start(victim));
          crashes++;
        } else if (kind == 2) {
          long d = 500 * MS + random.nextLong(4500 * MS);
          end = t + d;
          sim.schedule(t, new Fault.Pause(victim, d));
          pauses++;
        } else {
          end = t;
          sim.schedule(t, new Fault.ClockJump(victim, 1 + random.nextLong(CLOCK_STEP_MAX_NANOS)));
          clockSteps++;
        }
        t = end + S + random.nextLong(5 * S);
      }
    }

    private Partition partition(int kind) {
      switch (kind) {
        case 0 -> {
          BitSet side = new BitSet();
          int size = 1 + random.nextInt(n / 2);
          while (side.cardinality() < size) {
            side.set(random.nextInt(n));
          }
          return Partition.split(side);
        }
        case 1 -> {
          return Partition.isolate(random.nextInt(n));
        }
        case 2 -> {
          return Partition.majoritiesRing(n);
        }
        default -> {
          BitSet senders = new BitSet();
          BitSet receivers = new BitSet();
          for (int i = 0; i < n; i++) {
            (random.nextBoolean() ? senders : receivers).set(i);
          }
          return Partition.oneWay(senders, receivers);
        }
      }
    }
  }
}
