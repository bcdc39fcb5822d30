package org.ppdb.storage.manifest;

import java.util.Arrays;

/**
 * What the manifest records about one table file: its number and size, its user-key range and the
 * sequence and version bounds of its records (which let reads skip it). Immutable.
 *
 * @param number file number ({@code NNNNNN.sst})
 * @param size file size in bytes (checked at open: a truncated table is detected)
 * @param smallestKey smallest user key
 * @param largestKey largest user key
 * @param seqMin smallest sequence number
 * @param seqMax largest sequence number
 * @param versionMax largest version
 * @param entries record count
 */
public record FileMeta(
    long number,
    long size,
    byte[] smallestKey,
    byte[] largestKey,
    long seqMin,
    long seqMax,
    long versionMax,
    long entries) {

  /**
   * Whether the user-key range of this file intersects {@code [from, to]} (null bounds are open).
   */
  public boolean overlaps(byte[] from, byte[] to) {
    return (from == null || Arrays.compareUnsigned(largestKey, from) >= 0)
        && (to == null || Arrays.compareUnsigned(smallestKey, to) <= 0);
  }

  /** Whether {@code key} lies in the file's range. */
  public boolean contains(byte[] key) {
    return Arrays.compareUnsigned(smallestKey, key) <= 0
        && Arrays.compareUnsigned(largestKey, key) >= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileMeta f && f.number == number;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(number);
  }

  @Override
  public String toString() {
    return "FileMeta[#" + number + ", " + size + " B, " + entries + " entries]";
  }
}
