package org.ppdb.peer.replication;

import java.net.InetSocketAddress;
import java.util.List;
import org.ppdb.peer.ring.RingMetadata;

/**
 * What a {@link ReplicationCore} asks its host to do; called on the node's thread only, never
 * re-entering the core.
 */
public interface DataOutput {
  /** Sends a data message as a frame on the reliable stream to a peer. Best effort. */
  void sendData(InetSocketAddress to, DataMessage message);

  /** Publishes this peer's ring place in its gossip metadata. */
  void publishRing(RingMetadata metadata);

  /**
   * This peer finished streaming its ranges (or founded the ring) and now serves reads: the host
   * remembers it (a marker in the data directory) so that a restart does not bootstrap again.
   */
  void ringJoined();

  /** A step of the data path worth a log line (bootstrap progress, ring changes). */
  void dataProgress(String what);

  /**
   * The members with a ring place changed: the host keeps them durably (beside the data) and gives
   * them back at the next start, so a restarted peer knows the whole ring, and with it how many
   * replicas each key has, before gossip has told it about every member. The default keeps nothing.
   */
  default void saveRing(List<RingMember> members) {}
}
