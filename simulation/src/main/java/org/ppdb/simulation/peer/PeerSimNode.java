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
 * runs them) as a simulated node. Node {@code i} is advertised at {@code 10.(i>>8).(i&255).1:7946}:
 * one /24 per node, as peers on separate hosts would be, so the DHT's subnet limits see distinct
 * subnets. Datagrams and streams both travel as simulated messages.
 *
 * <p>Simulator thread only.
 */
final class PeerSimNode implements SimNode<Object>, NodeOutput {

  static final int PORT = 7946;

  /** Receives the membership events a peer reports. */
  @FunctionalInterface
  interface EventSink {
    void onEvent(int observer, MembershipEvent event);
  }

  private final int index;
  private final NodeCore core;
  private final EventSink sink;
  private SimNode.Outbox<Object> out;

  PeerSimNode(
      int index,
      NodeConfig config,
      NodeId id,
      java.util.random.RandomGenerator random,
      EventSink sink) {
    this.index = index;
    this.sink = sink;
    this.core = new NodeCore(config, id, random, this);
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
  public void membershipChanged(MembershipEvent event) {
    sink.onEvent(index, event);
  }
}
