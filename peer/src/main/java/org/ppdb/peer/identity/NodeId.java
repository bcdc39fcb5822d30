package org.ppdb.peer.identity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 160-bit identifier of a node: the first 20 bytes of SHA-256 over the node's raw 32-byte
 * Ed25519 public key (RFC 8032, section 5.1.5 encoding). The same value is the node's Kademlia id
 * in the DHT and its member id in gossip, so a node keeps its place in both across restarts and
 * address changes, and a new key at an old address is a new node.
 *
 * <p>Immutable and thread-safe. Ordering is unsigned lexicographic over the bytes, which is also
 * the numeric order of the id read as a big-endian integer (the order Kademlia's XOR metric uses).
 */
public final class NodeId implements Comparable<NodeId> {
  /** Length of an id in bytes (160 bits). */
  public static final int LENGTH_BYTES = 20;

  private final byte[] bytes;

  private NodeId(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Wraps (a copy of) an id that is already known, for example one read from the wire.
   *
   * @throws IllegalArgumentException if {@code bytes} is not exactly {@value #LENGTH_BYTES} long
   */
  public static NodeId of(byte[] bytes) {
    if (bytes.length != LENGTH_BYTES) {
      throw new IllegalArgumentException(
          "node id length: " + bytes.length + " (expected: " + LENGTH_BYTES + ")");
    }
    return new NodeId(bytes.clone());
  }

  /** Parses the 40-character lower- or upper-case hex form produced by {@link #toHex()}. */
  public static NodeId fromHex(String hex) {
    if (hex.length() != LENGTH_BYTES * 2) {
      throw new IllegalArgumentException(
          "node id hex length: " + hex.length() + " (expected: " + LENGTH_BYTES * 2 + ")");
    }
    return new NodeId(HexFormat.of().parseHex(hex));
  }

  /**
   * Derives the id of the node that owns {@code rawEd25519PublicKey}: SHA-256 over the 32 key
   * bytes, truncated to 160 bits.
   */
  public static NodeId ofPublicKey(byte[] rawEd25519PublicKey) {
    if (rawEd25519PublicKey.length != NodeIdentity.PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException(
          "Ed25519 public key length: "
              + rawEd25519PublicKey.length
              + " (expected: "
              + NodeIdentity.PUBLIC_KEY_BYTES
              + ")");
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(rawEd25519PublicKey);
      return new NodeId(Arrays.copyOf(digest, LENGTH_BYTES));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Returns a copy of the 20 id bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Writes the 20 id bytes into {@code target} at {@code offset}, without copying twice. */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(bytes, 0, target, offset, LENGTH_BYTES);
  }

  /** The 40-character lower-case hex form, used in logs, certificates and TXT records. */
  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** The first 8 hex characters, enough to tell nodes apart in a log line. */
  public String toShortHex() {
    return toHex().substring(0, 8);
  }

  @Override
  public int compareTo(NodeId other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
