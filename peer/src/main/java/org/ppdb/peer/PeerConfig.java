package org.ppdb.peer;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.ppdb.peer.discovery.SeedAddress;
import org.ppdb.peer.node.NodeConfig;

/**
 * Everything a {@link Peer} process needs to start. Every field has a default in {@link
 * #defaults()}; the {@code ppdb peer} command maps its options (and their environment variables and
 * config-file keys) onto these fields one to one.
 *
 * @param clusterName the cluster to join ({@code --cluster}, default {@code default}); peers of
 *     other clusters never merge with it
 * @param dataDirectory where the node keeps its identity key and, later, its data ({@code
 *     --data-dir}, default {@code ./ppdb-data})
 * @param bindHost the address the peer port listens on ({@code --bind}, default {@code 0.0.0.0}:
 *     every interface, so other machines can reach it)
 * @param port the peer port, UDP for gossip and DHT datagrams and TCP for streams ({@code --port},
 *     default 7946; 0 picks a free port)
 * @param advertiseHost the IP address other peers should use to reach this one ({@code
 *     --advertise}); null picks the bind address, or when that is a wildcard, the first
 *     non-loopback IPv4 address of an interface that is up (127.0.0.1 if there is none)
 * @param seeds peers to join through ({@code --seeds host:port,...}); empty founds a cluster or
 *     waits for mDNS and DHT discovery
 * @param dhtSeeds DHT nodes to bootstrap through, not necessarily of this cluster ({@code
 *     --dht-seeds}); the cluster is then found by rendezvous
 * @param mdns whether to advertise and browse on the LAN by mDNS ({@code --no-mdns} turns it off)
 * @param clusterSecretFile the cluster secret file ({@code --cluster-secret-file}); null leaves the
 *     cluster open, which the peer announces loudly
 * @param adminBind the admin HTTP address ({@code --admin-bind}, default 127.0.0.1: loopback only)
 * @param adminPort the admin HTTP port ({@code --admin-port}, default 7948; 0 picks a free port)
 * @param nodeQueueCapacity most inputs waiting for the node's thread; more are dropped and counted
 *     (default 65,536)
 * @param leaveTimeoutMillis how long a graceful stop waits for the leave to spread (default 3,000)
 * @param data how the peer stores and serves data (storage engine, replication, client port)
 */
public record PeerConfig(
    String clusterName,
    Path dataDirectory,
    String bindHost,
    int port,
    String advertiseHost,
    List<SeedAddress> seeds,
    List<SeedAddress> dhtSeeds,
    boolean mdns,
    Path clusterSecretFile,
    InetAddress adminBind,
    int adminPort,
    int nodeQueueCapacity,
    long leaveTimeoutMillis,
    DataSettings data) {

  /** Default peer port (UDP and TCP), memberlist's. */
  public static final int PORT_DEFAULT = 7946;

  /** Default admin HTTP port. */
  public static final int ADMIN_PORT_DEFAULT = 7948;

  /** Default {@link #nodeQueueCapacity}. */
  public static final int NODE_QUEUE_CAPACITY_DEFAULT = 65_536;

  /** Default {@link #leaveTimeoutMillis}. */
  public static final long LEAVE_TIMEOUT_MILLIS_DEFAULT = 3_000;

  /** Checks every field; messages name the field and what is accepted. */
  public PeerConfig {
    NodeConfig.checkClusterName(Objects.requireNonNull(clusterName, "clusterName"));
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(adminBind, "adminBind");
    Objects.requireNonNull(data, "data");
    seeds = List.copyOf(seeds);
    dhtSeeds = List.copyOf(dhtSeeds);
    checkPort("port", port);
    checkPort("adminPort", adminPort);
    if (nodeQueueCapacity < 1) {
      throw new IllegalArgumentException(
          "nodeQueueCapacity: " + nodeQueueCapacity + " (expected: >= 1)");
    }
    if (leaveTimeoutMillis < 0) {
      throw new IllegalArgumentException(
          "leaveTimeoutMillis: " + leaveTimeoutMillis + " (expected: >= 0)");
    }
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
    }
  }

  /** The defaults, as documented on each field. */
  public static PeerConfig defaults() {
    return new PeerConfig(
        "default",
        Path.of("ppdb-data"),
        "0.0.0.0",
        PORT_DEFAULT,
        null,
        List.of(),
        List.of(),
        true,
        null,
        InetAddress.getLoopbackAddress(),
        ADMIN_PORT_DEFAULT,
        NODE_QUEUE_CAPACITY_DEFAULT,
        LEAVE_TIMEOUT_MILLIS_DEFAULT,
        DataSettings.defaults());
  }
}
