package org.ppdb.simulation.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.dht.DhtConfig;
import org.ppdb.gossip.SwimConfig;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.node.NodeConfig;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.peer.replication.DataConfig;
import org.ppdb.peer.replication.ReplicaRecord;
import org.ppdb.simulation.Fault;
import org.ppdb.simulation.NetworkConfig;
import org.ppdb.simulation.NodeClock;
import org.ppdb.simulation.Simulator;

/** The simulated store: asynchronous completions on the node, a disk that survives crashes. */
class SimReplicaStoreTest {

  private static final long MS = 1_000_000L;

  private final Simulator<Object> sim =
      new Simulator<>(5, NetworkConfig.LAN, PeerMessages.INSTANCE);
  private final SimDisk disk = new SimDisk();
  private final List<SimReplicaStore> stores = new ArrayList<>();

  SimReplicaStoreTest() {
    byte[] id = new byte[NodeId.LENGTH_BYTES];
    new SplittableRandom(1).nextBytes(id);
    NodeConfig config =
        new NodeConfig(
            "t",
            PeerSimNode.address(0),
            List.of(),
            List.of(),
            SwimConfig.ppdbDefaults(),
            DhtConfig.defaults(),
            NodeConfig.RENDEZVOUS_RETRY_NANOS_DEFAULT);
    sim.addNode(
        (slot, random, life) -> {
          SimReplicaStore store =
              new SimReplicaStore(disk, sim, 0, life, random.split(), () -> 1_000_000L);
          stores.add(store);
          return new PeerSimNode(
              0,
              config,
              NodeId.of(id),
              random,
              (o, e) -> {},
              new NodeCore.DataPlane(DataConfig.defaults(), store, () -> 1_000_000L, disk.joined()),
              disk);
        },
        new NodeClock(0, 0));
    sim.apply(new Fault.Start(0));
  }

  private static ReplicaRecord record(String key, String value, long version) {
    return new ReplicaRecord(
        key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        version,
        0);
  }

  private static byte[] key(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWriteCompletesLaterOnTheNodeAndIsThenOnTheDisk() {
    List<Throwable> done = new ArrayList<>();
    boolean[] inline = {true};
    sim.call(
        0,
        (node, local, out) -> {
          stores.get(0).write(record("k", "v", 10), (held, error) -> done.add(error));
          inline[0] = !done.isEmpty();
        });
    assertThat(inline[0]).as("completed inside the call").isFalse();
    assertThat(disk.get(key("k"))).isNull();
    sim.runUntil(sim.nowNanos() + SimReplicaStore.TASK_NANOS_MAX);
    assertThat(done).containsExactly((Throwable) null);
    assertThat(disk.get(key("k")).version()).isEqualTo(10);
  }

  @Test
  void theDiskKeepsTheNewestVersionWhateverTheOrder() {
    disk.apply(record("k", "new", 20));
    disk.apply(record("k", "old", 10));
    assertThat(new String(disk.get(key("k")).value(), StandardCharsets.UTF_8)).isEqualTo("new");
    disk.apply(record("k", null, 30));
    assertThat(disk.get(key("k")).tombstone()).isTrue();
    disk.apply(record("k", "older", 25));
    assertThat(disk.get(key("k")).tombstone()).isTrue();
  }

  @Test
  void aCrashDropsQueuedWritesAndTheirCallbacksButKeepsTheDisk() {
    List<Throwable> done = new ArrayList<>();
    disk.apply(record("kept", "v", 1));
    sim.call(
        0,
        (node, local, out) ->
            stores.get(0).write(record("lost", "v", 2), (held, error) -> done.add(error)));
    sim.apply(new Fault.Crash(0));
    sim.runUntil(sim.nowNanos() + 10 * SimReplicaStore.TASK_NANOS_MAX);
    assertThat(done).isEmpty();
    assertThat(disk.get(key("lost"))).isNull();

    sim.apply(new Fault.Start(0));
    assertThat(stores).hasSize(2);
    List<ReplicaRecord> read = new ArrayList<>();
    sim.call(0, (node, local, out) -> stores.get(1).read(key("kept"), (r, e) -> read.add(r)));
    sim.runUntil(sim.nowNanos() + SimReplicaStore.TASK_NANOS_MAX);
    assertThat(read).singleElement().extracting(ReplicaRecord::version).isEqualTo(1L);
  }

  @Test
  void aPausedNodeGetsItsCallbacksWhenItRunsAgain() {
    List<Long> doneAt = new ArrayList<>();
    sim.call(
        0,
        (node, local, out) ->
            stores.get(0).write(record("k", "v", 1), (held, e) -> doneAt.add(sim.nowNanos())));
    long pauseEnds = sim.nowNanos() + 50 * MS;
    sim.apply(new Fault.Pause(0, 50 * MS));
    sim.runUntil(pauseEnds - 1);
    assertThat(doneAt).isEmpty();
    assertThat(disk.get(key("k"))).as("the storage thread is not paused").isNotNull();
    sim.runUntil(pauseEnds + 2 * SimReplicaStore.PAUSED_RETRY_NANOS);
    assertThat(doneAt)
        .singleElement()
        .satisfies(at -> assertThat(at).isGreaterThanOrEqualTo(pauseEnds));
  }

  @Test
  void scansSeeLiveKeysInOrderAndStreamsSeeTombstonesToo() {
    disk.apply(record("a", "1", 1));
    disk.apply(record("b", null, 2));
    disk.apply(record("c", "3", 3));
    disk.apply(record("d", "4", 4));
    List<List<byte[]>> pages = new ArrayList<>();
    List<Boolean> more = new ArrayList<>();
    sim.call(
        0,
        (node, local, out) ->
            stores
                .get(0)
                .scan(
                    key("a"),
                    1,
                    (r, e) -> {
                      pages.add(r.keys());
                      more.add(r.more());
                    }));
    List<Integer> streamed = new ArrayList<>();
    sim.call(
        0,
        (node, local, out) ->
            stores.get(0).stream(
                new org.ppdb.peer.replication.TokenRanges(
                    new long[] {0}, new long[] {0}), // (0, 0] wraps: the whole ring
                null,
                1 << 20,
                (r, e) -> streamed.add(r.records().size())));
    sim.runUntil(sim.nowNanos() + SimReplicaStore.TASK_NANOS_MAX);
    assertThat(pages)
        .singleElement()
        .satisfies(p -> assertThat(new String(p.get(0), StandardCharsets.UTF_8)).isEqualTo("c"));
    assertThat(more).containsExactly(true);
    assertThat(streamed).containsExactly(4);
  }
}
