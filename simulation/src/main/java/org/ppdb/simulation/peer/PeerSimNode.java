package org.ppdb.simulation.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.ppdb.gossip.MembershipEvent;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.node.NodeConfig;
import org.ppdb.peer.node.NodeCore;
import org.ppdb.peer.node.NodeOutput;
import org.ppdb.simulation.SimNode;

/**
 * The adapter that runs one full peer core ({@link NodeCore}: gossip and DHT joined as a ppdb peer
 * runs them, and with a {@link NodeCore.DataPlane} its data path) as a simulated node. Node {@code
 * i} is advertised at {@code 10.(i>>8).(i&255).1:7946}: one /24 per node, as peers on separate
 * hosts would be, so the DHT's subnet limits see distinct subnets. Datagrams and streams both
 * travel as simulated messages: a stream message (push-pull, the data path's frames) meets the same
 * loss as a datagram, a stricter model than TCP, where a lost frame stands for a connection that
 * broke with it in flight.
 *
 * <p>Simulator thread only.
 */
final class PeerSimNode implements SimNode<Object>, NodeOutput {

  static final int PORT = 7946;

  /** Receives the membership events a peer reports. */
  @FunctionalInterface
  interface EventSink {
    void onEvent(int observer, MembershipEvent event);

    /** A step of the peer's data path (ring changes, bootstrap), as it would log it. */
    default void onDataProgress(int peer, String what) {}
  }

  private final int index;
  private final NodeCore core;
  private final EventSink sink;
  private final SimDisk disk;
  private SimNode.Outbox<Object> out;

  PeerSimNode(
      int index,
      NodeConfig config,
      NodeId id,
      java.util.random.RandomGenerator random,
      EventSink sink) {
    this(index, config, id, random, sink, null, null);
  }

  /**
   * A peer with a data path: its store over {@code disk}, which survives its crashes.
   *
   * @param data the data plane (config, store, wall clock, joined-before flag), or null for a
   *     membership-only peer
   * @param disk where the peer's "joined the ring" marker goes (with data), or null
   */
  PeerSimNode(
      int index,
      NodeConfig config,
      NodeId id,
      java.util.random.RandomGenerator random,
      EventSink sink,
      NodeCore.DataPlane data,
      SimDisk disk) {
    this.index = index;
    this.sink = sink;
    this.disk = disk;
    this.core = new NodeCore(config, id, random, this, data);
  }

  /** Runs a store completion (or a client call's follow-up) on this peer's node thread. */
  void runTask(Runnable task, long localNanos, SimNode.Outbox<Object> out) {
    this.out = out;
    core.runTask(task, localNanos);
  }

  /**
   * Calls into the core from the host (a client request), with this call's outbox for whatever the
   * core sends.
   */
  /**
   * This peer's stored record of {@code key} (or null), read at once: what the production peer's
   * client thread reads ahead of its coordinator ({@code LocalPath.readAhead}).
   */
  org.ppdb.peer.replication.ReplicaRecord readLocal(byte[] key) {
    return disk.get(key);
  }

  /**
   * Applies {@code record} to this peer's store at once and returns the version the store then
   * holds for its key: what the production peer's client thread writes ahead of its coordinator
   * ({@code LocalPath.writeAhead}).
   */
  long writeLocal(org.ppdb.peer.replication.ReplicaRecord record) {
    disk.apply(record);
    return disk.get(record.key()).version();
  }

  <T> T call(java.util.function.Function<NodeCore, T> request, SimNode.Outbox<Object> out) {
    this.out = out;
    return request.apply(core);
  }

  NodeCore core() {
    return core;
  }

  static InetSocketAddress address(int index) {
    if (index < 0 || index >= 1 << 16) {
      throw new IllegalArgumentException("index: " + index + " (expected: 0..65535)");
    }
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(new byte[] {10, (byte) (index >> 8), (byte) index, 1}), PORT);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  static int index(InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    if (ip.length != 4 || ip[0] != 10 || ip[3] != 1 || address.getPort() != PORT) {
      return -1;
    }
    return ((ip[1] & 0xff) << 8) | (ip[2] & 0xff);
  }

  static List<InetSocketAddress> addresses(List<Integer> indexes) {
    return indexes.stream().map(PeerSimNode::address).toList();
  }

  @Override
  public void onStart(long localNanos, SimNode.Outbox<Object> out) {
    this.out = out;
    core.start(localNanos);
  }

  @Override
  public void onMessage(int from, Object message, long localNanos, SimNode.Outbox<Object> out) {
    this.out = out;
    core.onDatagram(address(from), message, localNanos);
  }

  @Override
  public void onTick(long localNanos, SimNode.Outbox<Object> out) {
    this.out = out;
    core.onTick(localNanos);
  }

  @Override
  public long nextTickLocalNanos() {
    return core.nextDeadlineNanos();
  }

  @Override
  public void onLeave(long localNanos, SimNode.Outbox<Object> out) {
    this.out = out;
    core.leave(localNanos);
  }

  @Override
  public void sendDatagram(InetSocketAddress to, Object message) {
    int target = index(to);
    if (target >= 0) {
      out.send(target, message);
    }
  }

  @Override
  public void sendStream(InetSocketAddress to, Object message) {
    sendDatagram(to, message);
  }

  @Override
  public void dataProgress(String what) {
    sink.onDataProgress(index, what);
  }

  @Override
  public void ringJoined() {
    if (disk != null) {
      disk.markJoined();
    }
  }

  @Override
  public void saveRing(java.util.List<org.ppdb.peer.replication.RingMember> members) {
    if (disk != null) {
      disk.saveRing(members);
    }
  }

  @Override
  public void membershipChanged(MembershipEvent event) {
    sink.onEvent(index, event);
  }
}
