package org.ppdb.dht;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.random.RandomGenerator;

/**
 * A 160-bit Kademlia identifier: a node id (given by the host; ppdb derives it from the node's
 * public key) or a key under which records are stored.
 *
 * <p>The 160 bits are held in three primitive fields, most significant first: {@code high} holds
 * bits 159..96, {@code middle} bits 95..32 and {@code low} bits 31..0 (bit 159 is the first bit of
 * the 20-byte big-endian form). A record of primitives keeps an id at 40 bytes on the heap, makes
 * it Kryo-friendly, and lets XOR distances be compared without allocating.
 *
 * <p>Immutable and thread-safe. All operations are O(1) except the conversions to and from bytes
 * and hex.
 */
public record NodeId(long high, long middle, int low) implements Comparable<NodeId> {

  /** Number of bits in an id. */
  public static final int BITS = 160;

  /** Number of bytes in the serialized form of an id. */
  public static final int BYTES = 20;

  /** The all-zero id. */
  public static final NodeId ZERO = new NodeId(0, 0, 0);

  /** Builds an id from its 20-byte big-endian form. */
  public static NodeId fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length != BYTES) {
      throw new IllegalArgumentException(
          "bytes.length: "
              + (bytes == null ? "null" : bytes.length)
              + " (expected: "
              + BYTES
              + ")");
    }
    long high = 0;
    long middle = 0;
    int low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (bytes[i] & 0xFF);
    }
    for (int i = 8; i < 16; i++) {
      middle = (middle << 8) | (bytes[i] & 0xFF);
    }
    for (int i = 16; i < 20; i++) {
      low = (low << 8) | (bytes[i] & 0xFF);
    }
    return new NodeId(high, middle, low);
  }

  /** Parses the 40-digit hex form produced by {@link #toString()}. */
  public static NodeId parse(String hex) {
    if (hex == null || hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException(
          "hex.length: "
              + (hex == null ? "null" : hex.length())
              + " (expected: "
              + 2 * BYTES
              + ")");
    }
    byte[] bytes = new byte[BYTES];
    for (int i = 0; i < BYTES; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("hex: " + hex + " (expected: 40 hex digits)");
      }
      bytes[i] = (byte) ((hi << 4) | lo);
    }
    return fromBytes(bytes);
  }

  /** A uniformly random id drawn from {@code random}. */
  public static NodeId random(RandomGenerator random) {
    return new NodeId(random.nextLong(), random.nextLong(), random.nextInt());
  }

  /** The SHA-1 digest of {@code data} as an id (SHA-1 is exactly 160 bits wide). */
  public static NodeId sha1(byte[] data) {
    try {
      return fromBytes(MessageDigest.getInstance("SHA-1").digest(data));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-1 (MessageDigest Javadoc).
      throw new IllegalStateException("SHA-1 unavailable", e);
    }
  }

  /** The SHA-1 digest of the UTF-8 bytes of {@code text} as an id. */
  public static NodeId sha1(String text) {
    return sha1(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The 20-byte big-endian form. */
  public byte[] toBytes() {
    byte[] bytes = new byte[BYTES];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (middle >>> (56 - 8 * i));
    }
    for (int i = 0; i < 4; i++) {
      bytes[16 + i] = (byte) (low >>> (24 - 8 * i));
    }
    return bytes;
  }

  /** The XOR distance to {@code other}, as an id. */
  public NodeId xor(NodeId other) {
    return new NodeId(high ^ other.high, middle ^ other.middle, low ^ other.low);
  }

  /**
   * The number of leading bits this id shares with {@code other}: 160 if equal, 0 if the first bit
   * differs. This is the index of the k-bucket that {@code other} falls in, seen from this id.
   */
  public int commonPrefixLength(NodeId other) {
    long h = high ^ other.high;
    if (h != 0) {
      return Long.numberOfLeadingZeros(h);
    }
    long m = middle ^ other.middle;
    if (m != 0) {
      return 64 + Long.numberOfLeadingZeros(m);
    }
    int l = low ^ other.low;
    if (l != 0) {
      return 128 + Integer.numberOfLeadingZeros(l);
    }
    return BITS;
  }

  /**
   * Compares the XOR distances of {@code a} and {@code b} to {@code target}: negative if {@code a}
   * is closer, zero if equal (then {@code a.equals(b)}), positive if {@code b} is closer.
   */
  public static int compareDistance(NodeId target, NodeId a, NodeId b) {
    int c = Long.compareUnsigned(a.high ^ target.high, b.high ^ target.high);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(a.middle ^ target.middle, b.middle ^ target.middle);
    if (c != 0) {
      return c;
    }
    return Integer.compareUnsigned(a.low ^ target.low, b.low ^ target.low);
  }

  /**
   * A random id that shares exactly {@code prefixLength} leading bits with this id, i.e. one that
   * falls in k-bucket {@code prefixLength} of this node; used to refresh a bucket.
   */
  public NodeId randomWithPrefix(int prefixLength, RandomGenerator random) {
    if (prefixLength < 0 || prefixLength >= BITS) {
      throw new IllegalArgumentException(
          "prefixLength: " + prefixLength + " (expected: >= 0 and < " + BITS + ")");
    }
    byte[] mine = toBytes();
    byte[] out = NodeId.random(random).toBytes();
    for (int bit = 0; bit <= prefixLength; bit++) {
      int byteIndex = bit >>> 3;
      int mask = 0x80 >>> (bit & 7);
      int myBit = mine[byteIndex] & mask;
      // Copy the shared prefix, then flip the first bit after it so the prefix is exact.
      int wanted = bit < prefixLength ? myBit : (myBit ^ mask);
      out[byteIndex] = (byte) ((out[byteIndex] & ~mask) | wanted);
    }
    return fromBytes(out);
  }

  /** Numeric (unsigned, big-endian) order; XOR distance to zero. */
  @Override
  public int compareTo(NodeId other) {
    return compareDistance(ZERO, this, other);
  }

  /** The 40-digit lower-case hex form. */
  @Override
  public String toString() {
    return String.format("%016x%016x%08x", high, middle, low);
  }

  /** The first 8 hex digits, for logs and traces. */
  public String toShortString() {
    return String.format("%08x", high >>> 32);
  }
}
