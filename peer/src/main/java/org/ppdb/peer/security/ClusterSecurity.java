package org.ppdb.peer.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a node protects its traffic: either with a cluster secret ({@link #secured}: sealed
 * datagrams, TLS certificates signed by the secret-derived cluster CA) or without one ({@link
 * #open}: datagrams framed with a CRC-32C only, TLS with self-signed certificates, so anyone who
 * can reach the ports can join). In both modes TLS certificates are bound to node ids.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClusterSecurity {
  private final String clusterName;
  private final ClusterKeyring keyring;
  private final byte[] clusterTag;

  private ClusterSecurity(String clusterName, ClusterKeyring keyring) {
    ClusterKeyring.checkClusterName(clusterName);
    this.clusterName = clusterName;
    this.keyring = keyring;
    this.clusterTag = clusterTag(clusterName);
  }

  /** No secret: the cluster is open to anyone who can reach it. */
  public static ClusterSecurity open(String clusterName) {
    return new ClusterSecurity(clusterName, null);
  }

  /** With a cluster secret: only holders of a key in {@code keyring} can join or read. */
  public static ClusterSecurity secured(ClusterKeyring keyring) {
    return new ClusterSecurity(keyring.clusterName(), keyring);
  }

  /** The cluster name; authenticated in every datagram, and bound into every derived key. */
  public String clusterName() {
    return clusterName;
  }

  /** True without a cluster secret. */
  public boolean isOpen() {
    return keyring == null;
  }

  /** The keyring, present iff the cluster is secured. */
  public Optional<ClusterKeyring> keyring() {
    return Optional.ofNullable(keyring);
  }

  /**
   * The warning the peer command must print at start when the cluster is open, or empty when it is
   * secured. One paragraph, fit for a terminal and a log.
   */
  public Optional<String> openClusterWarning() {
    if (!isOpen()) {
      return Optional.empty();
    }
    return Optional.of(
        "WARNING: cluster '"
            + clusterName
            + "' is OPEN: no cluster secret was given, so anyone who can reach this peer's ports"
            + " can join the cluster, read its gossip and data, and inject messages. Datagrams are"
            + " only checksummed, not authenticated. Start every peer with --cluster-secret-file"
            + " FILE (one secret per line, at least 16 bytes, e.g. `openssl rand -base64 32`)"
            + " to seal datagrams and require mutual TLS bound to the secret.");
  }

  /**
   * The 4-byte tag of the cluster name carried in open datagrams so that two open clusters on one
   * network ignore each other: the first 4 bytes of SHA-256("ppdb v1 cluster tag" || 0x00 ||
   * UTF-8(name)). Not a security measure.
   */
  byte[] clusterTag() {
    return clusterTag;
  }

  static byte[] clusterTag(String clusterName) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("ppdb v1 cluster tag".getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      sha.update(clusterName.getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(sha.digest(), 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return isOpen() ? "open(" + clusterName + ")" : "secured(" + keyring + ")";
  }
}
