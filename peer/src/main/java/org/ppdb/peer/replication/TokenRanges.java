package org.ppdb.peer.replication;

import java.util.Arrays;
import org.ppdb.peer.ring.KeyHash;

/**
 * A set of ring ranges {@code (start, end]} (wrapping past {@link Long#MAX_VALUE} when {@code start
 * >= end}), with a membership test for a key's ring position: what a joining peer asks to be
 * streamed. Immutable; the test is a linear scan over the ranges (a few hundred at most).
 */
public final class TokenRanges {
  private final long[] starts;
  private final long[] ends;

  public TokenRanges(long[] starts, long[] ends) {
    if (starts.length != ends.length) {
      throw new IllegalArgumentException(
          "starts: " + starts.length + ", ends: " + ends.length + " (expected: equal)");
    }
    this.starts = starts.clone();
    this.ends = ends.clone();
  }

  /** Whether ring position {@code p} lies in one of the ranges. */
  public boolean containsPosition(long p) {
    for (int i = 0; i < starts.length; i++) {
      if (contains(starts[i], ends[i], p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code key}'s ring position lies in one of the ranges. */
  public boolean containsKey(byte[] key) {
    return containsPosition(KeyHash.position(key));
  }

  /** Whether {@code p} lies in {@code (start, end]} on the circle. */
  static boolean contains(long start, long end, long p) {
    if (start < end) {
      return p > start && p <= end;
    }
    return p > start || p <= end; // wraps (start == end: the whole circle)
  }

  public long[] starts() {
    return starts.clone();
  }

  public long[] ends() {
    return ends.clone();
  }

  public int size() {
    return starts.length;
  }

  @Override
  public String toString() {
    return "TokenRanges["
        + starts.length
        + " ranges "
        + Arrays.toString(Arrays.copyOf(ends, Math.min(3, ends.length)))
        + "...]";
  }
}
