package org.ppdb.gossip;

import java.util.Arrays;

/**
 * The identity of a member: opaque bytes chosen by the host (ppdb uses the hash of the node's
 * public key). Immutable: the bytes are copied in and never exposed, so one instance may be shared
 * by any number of cores and threads. Equality and hash are by content; the hash is computed once.
 */
public final class MemberId implements Comparable<MemberId> {
  /** Longest accepted id, in bytes. */
  public static final int BYTES_MAX = 64;

  private final byte[] bytes;
  private final int hash;

  private MemberId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = mix(Arrays.hashCode(bytes));
  }

  /** A member id holding a copy of {@code bytes} (1 to {@link #BYTES_MAX} bytes). */
  public static MemberId of(byte[] bytes) {
    if (bytes == null) {
      throw new IllegalArgumentException("bytes: null");
    }
    if (bytes.length < 1 || bytes.length > BYTES_MAX) {
      throw new IllegalArgumentException(
          "bytes: " + bytes.length + " bytes (expected: 1.." + BYTES_MAX + ")");
    }
    return new MemberId(bytes.clone());
  }

  /** A member id of the UTF-8 bytes of {@code name}; convenient for tests and the simulator. */
  public static MemberId of(String name) {
    return of(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A copy of the id's bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Number of bytes of the id. */
  public int length() {
    return bytes.length;
  }

  int encodedSizeBytes() {
    return Encoding.varIntSize(bytes.length) + bytes.length;
  }

  /**
   * Spreads the bits so that open addressing with a power-of-two table works for sequential ids.
   */
  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof MemberId other && other.hash == hash && Arrays.equals(other.bytes, bytes));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** Unsigned lexicographic order of the bytes; used only to make output orders deterministic. */
  @Override
  public int compareTo(MemberId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  /** The bytes as text if they are printable ASCII, else as hex. */
  @Override
  public String toString() {
    boolean printable = true;
    for (byte b : bytes) {
      if (b < 0x21 || b > 0x7e) {
        printable = false;
        break;
      }
    }
    if (printable) {
      return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
    }
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
