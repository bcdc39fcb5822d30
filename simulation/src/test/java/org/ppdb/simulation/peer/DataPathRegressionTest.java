package org.ppdb.simulation.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ppdb.dht.DhtConfig;
import org.ppdb.gossip.MemberId;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.node.NodeConfig;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.peer.replication.DataConfig;
import org.ppdb.peer.ring.RingMetadata;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Partition;
import org.ppdb.simulation.Simulator;
import org.ppdb.simulation.scenario.Phases;
import org.ppdb.simulation.scenario.Progress;

/**
 * The defects the {@code kv} scenario found (simulation README, findings 4 to 6), each reduced to a
 * few peers and a fixed sequence of steps: each failed before its fix (a restarted peer keeps the
 * ring it knew; a superseded write is stamped anew; a seeded joiner waits for its seeds). The first
 * test shows the harness itself works.
 */
@Tag("sim")
class DataPathRegressionTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000_000_000L;

  /** A small cluster of full peers with the data path, N = 3, built step by step. */
  private static final class Cluster {
    final Simulator<Object> sim = new Simulator<>(1, NetworkConfig.LAN, PeerMessages.INSTANCE);
    final int n;
    final NodeId[] ids;
    final SimDisk[] disks;
    final Map<MemberId, Integer> members =
        new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));

    /** {@code n} peers whose clocks are ahead of true time by {@code skewNanos[i]}. */
    Cluster(int n, long... skewNanos) {
      this.n = n;
      ids = new NodeId[n];
      disks = new SimDisk[n];
      SplittableRandom random = new SplittableRandom(7);
      for (int i = 0; i < n; i++) {
        byte[] bytes = new byte[NodeId.LENGTH_BYTES];
        random.nextBytes(bytes);
        ids[i] = NodeId.of(bytes);
        members.put(MemberId.of(bytes), i);
        disks[i] = new SimDisk();
      }
      for (int i = 0; i < n; i++) {
        int index = i;
        long skew = i < skewNanos.length ? skewNanos[i] : 0;
        NodeConfig config =
            new NodeConfig(
                "t",
                PeerSimNode.address(i),
                KvScenario.seeds(i),
                List.of(),
                SwimConfig.ppdbDefaults(),
                DhtConfig.defaults(),
                NodeConfig.RENDEZVOUS_RETRY_NANOS_DEFAULT);
        java.util.function.LongSupplier wall =
            () ->
                KvScenario.EPOCH_MILLIS_AT_START
                    + Math.floorDiv(sim.localNanos(index) - KvScenario.CLOCK_BASE_NANOS, MS);
        sim.addNode(
            (slot, r, life) -> {
              SimReplicaStore store =
                  new SimReplicaStore(disks[index], sim, index, life, r.split(), wall);
              return new PeerSimNode(
                  index,
                  config,
                  ids[index],
                  r,
                  (o, e) -> {},
                  new NodeCore.DataPlane(
                      DataConfig.defaults(3, 32, 0),
                      store,
                      wall,
                      disks[index].joined(),
                      disks[index].savedRing()),
                  disks[index]);
            },
            new NodeClock(KvScenario.CLOCK_BASE_NANOS + skew, 0));
      }
    }

    /** Starts peers {@code 0..count-1} and waits until they serve as one ring. */
    void form(int count) {
      for (int i = 0; i < count; i++) {
        sim.apply(new Fault.Start(i));
        sim.runUntil(sim.nowNanos() + 100 * MS);
      }
      long took =
          Phases.awaitConvergence(
              sim,
              60 * S,
              50 * MS,
              () -> KvScenario.healed(sim, count, members).isEmpty(),
              0,
              Progress.NONE,
              "");
      assertThat(took)
          .as("ring formed: %s", KvScenario.healed(sim, count, members))
          .isNotNegative();
    }

    PeerSimNode peer(int i) {
      return (PeerSimNode) sim.node(i);
    }

    /** Runs a put through peer {@code via} and returns its outcome once settled (or pending). */
    CompletableFuture<Long> put(int via, String key, String value) {
      List<CompletableFuture<Long>> result = new ArrayList<>();
      sim.call(
          via,
          (node, local, out) ->
              result.add(
                  ((PeerSimNode) node)
                      .call(
                          core -> core.put(bytes(key), bytes(value), 0, Consistency.QUORUM, local),
                          out)));
      sim.runUntil(sim.nowNanos() + 3 * S);
      return result.get(0);
    }

    Optional<StoredValue> get(int via, String key) {
      List<CompletableFuture<Optional<StoredValue>>> result = new ArrayList<>();
      sim.call(
          via,
          (node, local, out) ->
              result.add(
                  ((PeerSimNode) node)
                      .call(core -> core.get(bytes(key), Consistency.QUORUM, local), out)));
      sim.runUntil(sim.nowNanos() + 3 * S);
      return result.get(0).join();
    }

    /** Peers that are the key's replicas, by peer {@code i}'s ring. */
    List<Integer> replicas(int i, String key) {
      List<Integer> out = new ArrayList<>();
      for (NodeId id : peer(i).core().replication().readRing().replicasForKey(bytes(key))) {
        for (int j = 0; j < n; j++) {
          if (ids[j].equals(id)) {
            out.add(j);
          }
        }
      }
      return out;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aQuorumWriteIsReadBackThroughAnotherPeer() {
    Cluster c = new Cluster(3);
    c.form(3);
    assertThat(c.put(0, "k", "v").join()).isPositive();
    assertThat(c.get(2, "k")).map(v -> new String(v.value(), StandardCharsets.UTF_8)).contains("v");
  }

  /** Finding 4: a peer restarted while cut off has a ring of itself and acknowledges alone. */
  @Test
  void aRestartedPeerCutOffFromTheOthersDoesNotAcknowledgeAQuorumWrite() {
    Cluster c = new Cluster(3);
    c.form(3);
    c.sim.apply(new Fault.Crash(2));
    c.sim.runUntil(c.sim.nowNanos() + S);
    c.sim.apply(new Fault.Partitioned(Partition.isolate(2)));
    c.sim.apply(new Fault.Start(2));
    c.sim.runUntil(c.sim.nowNanos() + 100 * MS);
    CompletableFuture<Long> write = c.put(2, "k", "v");
    assertThat(write.isDone() && !write.isCompletedExceptionally())
        .as("a QUORUM write acknowledged by a peer that reaches no other replica")
        .isFalse();
  }

  /**
   * Finding 5: a single writer writes v1 through a peer whose clock is 5 s ahead, then, 3 s later,
   * v2 through a peer with a true clock; neither coordinator is a replica of the key, so neither
   * sees the other's clock. Both writes are acknowledged; v2 must win.
   */
  @Test
  void aLaterAcknowledgedWriteWinsOverAnEarlierOneFromACoordinatorWhoseClockIsAhead() {
    Cluster c = new Cluster(6, 5 * S, 0);
    c.form(6);
    // Past the ring-change grace, writes go to the key's three replicas only.
    c.sim.runUntil(c.sim.nowNanos() + 20 * S);
    String key = null;
    for (int i = 0; key == null; i++) {
      List<Integer> replicas = c.replicas(0, "k" + i);
      if (!replicas.contains(0) && !replicas.contains(1)) {
        key = "k" + i;
      }
    }
    assertThat(c.put(0, key, "v1").join()).isPositive();
    assertThat(c.put(1, key, "v2").join()).isPositive();
    assertThat(c.get(5, key))
        .map(v -> new String(v.value(), StandardCharsets.UTF_8))
        .contains("v2");
  }

  /** Finding 6: a new peer that hears of no serving member within the settle time founds a ring. */
  @Test
  void aJoiningPeerCutOffFromTheClusterDoesNotFoundARingOfItsOwn() {
    Cluster c = new Cluster(4);
    c.form(3);
    c.sim.apply(new Fault.Partitioned(Partition.isolate(3)));
    c.sim.apply(new Fault.Start(3));
    c.sim.runUntil(c.sim.nowNanos() + 10 * S);
    assertThat(c.peer(3).core().replication().state())
        .as("a peer with seeds that reached none of them")
        .isEqualTo(RingMetadata.State.JOINING);
  }
}
