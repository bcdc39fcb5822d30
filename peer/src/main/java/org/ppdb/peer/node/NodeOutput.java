package org.ppdb.peer.node;

import java.net.InetSocketAddress;
import org.ppdb.gossip.MembershipEvent;

/**
 * What a {@link NodeCore} asks its host to do. The production host hands messages to the Netty
 * transport (which encodes, seals and sends them) and events to the log and metrics; the simulator
 * delivers messages through its simulated network.
 *
 * <p>Called only on the node's own thread, during a call into the core; an implementation must not
 * call back into the core from these methods.
 */
public interface NodeOutput {

  /** Sends a small message (gossip probe, DHT request) as one datagram. Best effort. */
  void sendDatagram(InetSocketAddress to, Object message);

  /**
   * Sends a message that may exceed a datagram (gossip push-pull state) over a stream connection.
   * Best effort: the protocols above tolerate its loss.
   */
  void sendStream(InetSocketAddress to, Object message);

  /** Reports a membership change as this node sees it. */
  void membershipChanged(MembershipEvent event);

  /** Reports a step of discovery (bootstrap, rendezvous), for logs; the default ignores it. */
  default void discoveryProgress(String what) {}

  /**
   * This node finished joining the ring (it streamed its ranges or founded the ring): remember it
   * durably so that a restart does not bootstrap again. The default ignores it.
   */
  default void ringJoined() {}

  /** Reports a step of the data path (bootstrap progress, ring changes); the default ignores it. */
  default void dataProgress(String what) {}

  /**
   * Keep these ring members durably and give them back in {@link NodeCore.DataPlane#savedRing()} at
   * the next start. The default keeps nothing.
   */
  default void saveRing(java.util.List<org.ppdb.peer.replication.RingMember> members) {}
}
