package org.ppdb.peer.replication;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.ring.RingMetadata;

/**
 * A member as the data path needs it: id, address, gossip status, and its published ring place.
 *
 * @param address where its transport listens (null if its advertised address cannot be dialled)
 * @param status gossip's view: {@code alive}, {@code suspect}, {@code dead} or {@code left}
 * @param ring its ring metadata, or null if it published none (or none that decodes)
 */
public record RingMember(NodeId id, InetSocketAddress address, String status, RingMetadata ring) {
  public RingMember {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
  }

  /** Whether requests should be sent to it: gossip holds it alive or merely suspect. */
  public boolean reachable() {
    return address != null && (status.equals("alive") || status.equals("suspect"));
  }
}
