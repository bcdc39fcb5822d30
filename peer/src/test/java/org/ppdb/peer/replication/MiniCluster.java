package org.ppdb.peer.replication;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.ring.RingMetadata;

/**
 * A few {@link ReplicationCore}s wired together in one thread for unit tests, without gossip: the
 * test says who is a member and in which status, messages and store completions go through one FIFO
 * queue, and time moves only when the test advances it. Deterministic by construction.
 */
final class MiniCluster {
  final List<Node> nodes = new ArrayList<>();
  final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  final Set<Integer> down = new HashSet<>();
  long now = 1_000_000_000L;
  long millis = 1_700_000_000_000L;
  final DataConfig config;

  MiniCluster(DataConfig config) {
    this.config = config;
  }

  /** A node with a TreeMap store; {@code joinedBefore} as the data directory would say. */
  Node add(boolean joinedBefore) {
    int index = nodes.size();
    byte[] id = new byte[NodeId.LENGTH_BYTES];
    Arrays.fill(id, (byte) (index * 37 + 11));
    id[0] = (byte) index;
    Node node = new Node(index, NodeId.of(id), new InetSocketAddress("127.0.0.1", 10_000 + index));
    node.core =
        new ReplicationCore(
            config, node.id, node.address, node.store, () -> millis, joinedBefore, node);
    nodes.add(node);
    return node;
  }

  /** Starts every node not started, then tells everyone the membership. */
  void start() {
    for (Node node : nodes) {
      if (!node.started) {
        node.started = true;
        node.core.start(now);
      }
    }
    gossip();
  }

  /** Every node learns every other node's current metadata and status (alive, or dead if down). */
  void gossip() {
    for (Node node : nodes) {
      if (!node.started) {
        continue;
      }
      List<RingMember> members = new ArrayList<>();
      for (Node other : nodes) {
        if (other.started) {
          members.add(
              new RingMember(
                  other.id,
                  other.address,
                  down.contains(other.index) && other.knownDead ? "dead" : "alive",
                  other.published));
        }
      }
      node.core.onMembers(members, now);
    }
  }

  /** Runs queued deliveries and completions until none is left (bounded). */
  void settle() {
    for (int steps = 0; !queue.isEmpty(); steps++) {
      if (steps > 1_000_000) {
        throw new AssertionError("no quiescence after 1,000,000 steps");
      }
      queue.poll().run();
    }
  }

  /** Advances time, ticking every node, until {@code nanos} have passed (100 ms steps). */
  void advance(long nanos) {
    long end = now + nanos;
    while (now < end) {
      long step = Math.min(100_000_000L, end - now);
      now += step;
      millis += step / 1_000_000;
      for (Node node : nodes) {
        if (node.started && !down.contains(node.index)) {
          node.core.onTick(now);
        }
      }
      settle();
      gossip();
    }
  }

  Node byAddress(InetSocketAddress address) {
    for (Node node : nodes) {
      if (node.address.equals(address)) {
        return node;
      }
    }
    throw new AssertionError("no node at " + address);
  }

  final class Node implements DataOutput {
    final int index;
    final NodeId id;
    final InetSocketAddress address;
    final TreeStore store = new TreeStore(this);
    ReplicationCore core;
    RingMetadata published;
    boolean started;
    boolean joined;
    boolean knownDead;
    final List<String> progress = new ArrayList<>();
    int sent;

    Node(int index, NodeId id, InetSocketAddress address) {
      this.index = index;
      this.id = id;
      this.address = address;
    }

    @Override
    public void sendData(InetSocketAddress to, DataMessage message) {
      sent++;
      Node target = byAddress(to);
      queue.add(
          () -> {
            if (!down.contains(index) && !down.contains(target.index)) {
              target.core.onMessage(address, message, now);
            }
          });
    }

    @Override
    public void publishRing(RingMetadata metadata) {
      published = metadata;
    }

    @Override
    public void ringJoined() {
      joined = true;
    }

    @Override
    public void dataProgress(String what) {
      progress.add(what);
    }
  }

  /** A replica store over a TreeMap, completing through the cluster's queue. */
  final class TreeStore implements ReplicaStore {
    final TreeMap<byte[], ReplicaRecord> records = new TreeMap<>(Arrays::compareUnsigned);
    final Node node;
    int reads;
    int writes;

    TreeStore(Node node) {
      this.node = node;
    }

    private void later(Runnable r) {
      queue.add(
          () -> {
            if (!down.contains(node.index)) {
              r.run();
            }
          });
    }

    void apply(ReplicaRecord record) {
      ReplicaRecord current = records.get(record.key());
      if (ReplicaRecord.newer(record, current)) {
        records.put(record.key(), record);
      }
    }

    @Override
    public void write(ReplicaRecord record, BiConsumer<Long, Throwable> done) {
      writes++;
      apply(record);
      long held = records.get(record.key()).version();
      later(() -> done.accept(held, null));
    }

    @Override
    public void writeAll(List<ReplicaRecord> list, Consumer<Throwable> done) {
      list.forEach(this::apply);
      later(() -> done.accept(null));
    }

    @Override
    public void read(byte[] key, BiConsumer<ReplicaRecord, Throwable> done) {
      reads++;
      ReplicaRecord record = records.get(key);
      later(() -> done.accept(record, null));
    }

    @Override
    public void scan(byte[] afterKey, int limit, BiConsumer<ScanResult, Throwable> done) {
      List<byte[]> keys = new ArrayList<>();
      Map<byte[], ReplicaRecord> tail =
          afterKey == null ? records : records.tailMap(afterKey, false);
      boolean more = false;
      for (ReplicaRecord record : tail.values()) {
        if (!record.isLive(millis)) {
          continue;
        }
        if (keys.size() == limit) {
          more = true;
          break;
        }
        keys.add(record.key());
      }
      boolean finalMore = more;
      later(() -> done.accept(new ScanResult(keys, finalMore), null));
    }

    @Override
    public void stream(
        TokenRanges ranges,
        byte[] afterKey,
        int bytesMax,
        BiConsumer<StreamResult, Throwable> done) {
      List<ReplicaRecord> out = new ArrayList<>();
      Map<byte[], ReplicaRecord> tail =
          afterKey == null ? records : records.tailMap(afterKey, false);
      byte[] resume = null;
      int bytes = 0;
      for (ReplicaRecord record : tail.values()) {
        if (ranges.containsKey(record.key())) {
          out.add(record);
          bytes += record.sizeBytes();
        }
        if (bytes >= bytesMax) {
          resume = record.key();
          break;
        }
      }
      byte[] finalResume = resume;
      later(() -> done.accept(new StreamResult(out, finalResume), null));
    }

    @Override
    public long sizeEstimate() {
      return records.size();
    }
  }
}
