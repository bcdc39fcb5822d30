package org.ppdb.storage.memory;

import java.util.Arrays;

/**
 * A key as a map key: equality and hash by content, order unsigned-lexicographic (the engines' key
 * order). Owns its array: callers pass a copy.
 */
final class ByteKey implements Comparable<ByteKey> {
  final byte[] bytes;
  private final int hash;

  ByteKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(ByteKey other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteKey && Arrays.equals(bytes, ((ByteKey) o).bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "ByteKey[" + bytes.length + " bytes]";
  }
}
