package org.ppdb.bench.cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free ports on 127.0.0.1 for the servers a benchmark starts, each handed out once per benchmark.
 *
 * <p>A port is free when a TCP server socket (and, for peer ports, a UDP socket) can bind it; it is
 * released before the server binds it, so another program could take it in between, which a
 * benchmark on a dedicated machine accepts. Thread-safe; cheap.
 */
final class FreePorts {
  /** Attempts before giving up on finding a free port. */
  static final int ATTEMPTS_MAX = 100;

  private final Set<Integer> handedOut = new HashSet<>(); // guarded by this

  /** A free TCP port. */
  synchronized int tcp() throws IOException {
    return find(false);
  }

  /**
   * A port free for both TCP and UDP (a ppdb peer port carries gossip over UDP and streams over
   * TCP).
   */
  synchronized int tcpAndUdp() throws IOException {
    return find(true);
  }

  private int find(boolean udpToo) throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(loopback, 0));
        port = socket.getLocalPort();
      }
      if (handedOut.contains(port)) {
        continue;
      }
      if (udpToo) {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
          // bound: free
        } catch (IOException e) {
          continue;
        }
      }
      handedOut.add(port);
      return port;
    }
    throw new IOException("no free port on 127.0.0.1 after " + ATTEMPTS_MAX + " attempts");
  }
}
