package org.ppdb.peer.ring;

import java.util.List;

/**
 * A range {@code (startExclusive, endInclusive]} of the ring and its replicas, primary first. When
 * {@code startExclusive >= endInclusive} the range wraps around from {@link Long#MAX_VALUE} to
 * {@link Long#MIN_VALUE}; a ring with a single token has one range covering the whole circle.
 */
public record TokenRange<M>(long startExclusive, long endInclusive, List<M> replicas) {

  private static final double RING_SIZE = Math.pow(2, 64);

  /** Whether {@code position} falls in this range. */
  public boolean contains(long position) {
    if (startExclusive < endInclusive) {
      return position > startExclusive && position <= endInclusive;
    }
    // Wrapping range (or the whole ring when start == end).
    return position > startExclusive || position <= endInclusive;
  }

  /** The share of the 2^64 circle this range covers. */
  public double fractionOfRing() {
    long width = endInclusive - startExclusive; // two's complement wraps exactly like the ring
    return width == 0 ? 1.0 : unsigned(width) / RING_SIZE;
  }

  private static double unsigned(long value) {
    double high = (double) (value >>> 1) * 2.0;
    return high + (value & 1);
  }
}
