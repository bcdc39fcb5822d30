package org.ppdb.peer.wire;

/**
 * The first frame each side sends on a new TCP connection, right after the TLS handshake. The node
 * id is not repeated here: TLS already proved it (the certificate key hashes to it).
 *
 * @param protocolVersion {@link WireRegistry#PROTOCOL_VERSION} of the sender; a receiver closes
 *     connections whose version it does not speak
 * @param clusterName the sender's cluster; a mismatch closes the connection (in a secured cluster
 *     it cannot happen, since the name is bound into the certificate-signing key)
 * @param udpPort the port the sender receives datagrams on
 * @param tcpPort the port the sender accepts connections on; with the connection's source address
 *     it names the sender's listening address, so the receiver can reuse this connection for frames
 *     it sends back
 */
public record Hello(int protocolVersion, String clusterName, int udpPort, int tcpPort) {
  /** Checks the fields that any peer can set to anything. */
  public Hello {
    if (clusterName == null || clusterName.isEmpty()) {
      throw new IllegalArgumentException("clusterName: empty (expected: a cluster name)");
    }
    checkPort("udpPort", udpPort);
    checkPort("tcpPort", tcpPort);
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
    }
  }
}
