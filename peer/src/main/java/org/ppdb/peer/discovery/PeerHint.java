package org.ppdb.peer.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A claim, heard on the network, that a peer of our cluster can be reached at some addresses.
 *
 * <p>A hint is unauthenticated: anyone on the LAN can send one. The node core may use it only to
 * start an authenticated join towards the addresses; the node id it carries is what the peer
 * claims, to be checked against its certificate during the join. Immutable and thread-safe.
 *
 * @param nodeId the claimed node id, 40 lower-case hex digits
 * @param addresses the addresses the peer announced, at least one, in announcement order
 * @param gossipPort the announced UDP gossip port
 * @param dataPort the announced TCP data port
 */
public record PeerHint(String nodeId, List<InetAddress> addresses, int gossipPort, int dataPort) {

  public PeerHint {
    if (!MdnsAdvert.isValidNodeId(nodeId)) {
      throw new IllegalArgumentException(
          "nodeId: '"
              + nodeId
              + "' (expected: "
              + MdnsAdvert.NODE_ID_HEX_CHARS
              + " lower-case hex digits)");
    }
    addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("addresses: empty (expected: at least one)");
    }
    if (gossipPort < 1 || gossipPort > 65535) {
      throw new IllegalArgumentException("gossipPort: " + gossipPort + " (expected: 1-65535)");
    }
    if (dataPort < 1 || dataPort > 65535) {
      throw new IllegalArgumentException("dataPort: " + dataPort + " (expected: 1-65535)");
    }
  }

  /** The gossip endpoints: each address with {@link #gossipPort()}. */
  public List<InetSocketAddress> gossipEndpoints() {
    return addresses.stream().map(a -> new InetSocketAddress(a, gossipPort)).toList();
  }

  /** The data endpoints: each address with {@link #dataPort()}. */
  public List<InetSocketAddress> dataEndpoints() {
    return addresses.stream().map(a -> new InetSocketAddress(a, dataPort)).toList();
  }
}
