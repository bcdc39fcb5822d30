package org.ppdb.peer.node;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.ppdb.dht.DhtConfig;
import org.ppdb.gossip.SwimConfig;

/**
 * The protocol settings of one node core.
 *
 * @param clusterName the cluster this node belongs to; peers of other clusters are ignored, and the
 *     DHT rendezvous key is derived from it. 1 to {@link #CLUSTER_NAME_BYTES_MAX} bytes of {@code
 *     [A-Za-z0-9._-]}. Default {@code default}.
 * @param advertised the address other peers reach this node at (UDP datagrams and TCP streams share
 *     the port). Must be a literal IP address, not a host name.
 * @param seeds addresses to join through at start (gossip join and DHT bootstrap); empty founds a
 *     new cluster or waits for discovery. At most {@link #SEEDS_MAX}.
 * @param dhtSeeds addresses of DHT nodes to bootstrap through that are not necessarily members of
 *     this cluster (for example a well-known node on another network): used only for the DHT, and
 *     the cluster is then found by rendezvous. At most {@link #SEEDS_MAX}.
 * @param swim the gossip configuration; default {@link SwimConfig#ppdbDefaults()}
 * @param dht the DHT configuration; default {@link DhtConfig#defaults()}
 * @param rendezvousRetryNanos while this node knows no other live member, how often it looks for
 *     its cluster again through the DHT rendezvous and retries its seeds. Default 30 s: shorter
 *     finds a cluster sooner after a network comes back, at the cost of DHT lookups while alone.
 */
public record NodeConfig(
    String clusterName,
    InetSocketAddress advertised,
    List<InetSocketAddress> seeds,
    List<InetSocketAddress> dhtSeeds,
    SwimConfig swim,
    DhtConfig dht,
    long rendezvousRetryNanos) {

  /** Longest cluster name, in bytes. */
  public static final int CLUSTER_NAME_BYTES_MAX = 64;

  /** Most seed addresses. */
  public static final int SEEDS_MAX = 32;

  /** Default {@link #rendezvousRetryNanos}: 30 s. */
  public static final long RENDEZVOUS_RETRY_NANOS_DEFAULT = 30_000_000_000L;

  /** Checks every field; the messages name the field and the accepted range. */
  public NodeConfig {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(advertised, "advertised");
    Objects.requireNonNull(swim, "swim");
    Objects.requireNonNull(dht, "dht");
    seeds = List.copyOf(seeds);
    dhtSeeds = List.copyOf(dhtSeeds);
    checkClusterName(clusterName);
    if (advertised.isUnresolved()) {
      throw new IllegalArgumentException(
          "advertised: " + advertised + " (expected: a literal IP address and port)");
    }
    checkSeeds("seeds", seeds);
    checkSeeds("dhtSeeds", dhtSeeds);
    if (rendezvousRetryNanos <= 0) {
      throw new IllegalArgumentException(
          "rendezvousRetryNanos: " + rendezvousRetryNanos + " (expected: > 0)");
    }
  }

  private static void checkSeeds(String name, List<InetSocketAddress> seeds) {
    if (seeds.size() > SEEDS_MAX) {
      throw new IllegalArgumentException(
          name + ": " + seeds.size() + " (expected: <= " + SEEDS_MAX + ")");
    }
    for (InetSocketAddress seed : seeds) {
      if (seed.isUnresolved()) {
        throw new IllegalArgumentException(
            name
                + ": "
                + seed
                + " is unresolved (expected: resolved to an IP address before the node starts)");
      }
    }
  }

  /** A configuration with the default protocol settings. */
  public static NodeConfig of(
      String clusterName, InetSocketAddress advertised, List<InetSocketAddress> seeds) {
    return new NodeConfig(
        clusterName,
        advertised,
        seeds,
        List.of(),
        SwimConfig.ppdbDefaults(),
        DhtConfig.defaults(),
        RENDEZVOUS_RETRY_NANOS_DEFAULT);
  }

  /**
   * Checks a cluster name.
   *
   * @throws IllegalArgumentException naming the rule it breaks
   */
  public static void checkClusterName(String name) {
    if (name.isEmpty() || name.length() > CLUSTER_NAME_BYTES_MAX) {
      throw new IllegalArgumentException(
          "clusterName: '"
              + name
              + "' has "
              + name.length()
              + " characters (expected: 1.."
              + CLUSTER_NAME_BYTES_MAX
              + ")");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!allowed) {
        throw new IllegalArgumentException(
            "clusterName: '" + name + "' (expected: only letters, digits, '.', '_' and '-')");
      }
    }
  }
}
