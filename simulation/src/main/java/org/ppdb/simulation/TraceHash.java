package org.ppdb.simulation;

/**
 * A running 64-bit digest of everything that happened in a run: each delivered message, fired timer
 * and applied fault is fed as a few {@code long}s (times, node indexes, a type code, a content
 * digest). Two runs with the same seed must end with the same value; a difference means
 * non-determinism leaked in (a {@code HashMap} order, a wall clock, an identity hash code).
 *
 * <p>The mixing step is the murmur3/SplitMix64 finalizer applied to the running value xor the
 * input, so that order matters and single-bit differences spread. It is not cryptographic; it only
 * has to make accidental equality of different traces vanishingly unlikely.
 *
 * <p>Not thread-safe; cost is a few multiply/xor per {@code long}.
 */
public final class TraceHash {

  private long value = 0x6a09e667f3bcc909L;
  private long count;

  /** Feeds one value into the digest. */
  public void add(long v) {
    long h = value ^ v;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 31;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 29;
    value = h + 0x9e3779b97f4a7c15L;
    count++;
  }

  /** Feeds a sequence of bytes (for example an encoded message) into the digest. */
  public void addBytes(byte[] bytes) {
    add(digest(bytes, 0, bytes.length));
  }

  /** The digest so far. */
  public long value() {
    return value;
  }

  /** How many values were fed. */
  public long count() {
    return count;
  }

  /** The digest as 16 hex digits, the form printed in reports. */
  public String hex() {
    return String.format("%016x", value);
  }

  /**
   * A stable 64-bit digest of a byte range (FNV-1a folded through the SplitMix64 finalizer), for
   * adapters that digest message contents.
   */
  public static long digest(byte[] bytes, int offset, int length) {
    long h = 0xcbf29ce484222325L;
    for (int i = offset; i < offset + length; i++) {
      h ^= bytes[i];
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The SplitMix64 finalizer: a stable bijective scramble of {@code v}. */
  public static long mix(long v) {
    long h = v;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
