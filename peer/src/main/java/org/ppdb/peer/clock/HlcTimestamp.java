package org.ppdb.peer.clock;

import java.time.Instant;

/**
 * Packing and unpacking of hybrid-logical-clock versions; the layout is described in {@link
 * HybridClock}. The layout is stored on disk and sent between peers: do not change it.
 */
public final class HlcTimestamp {

  /** 2020-01-01T00:00:00Z in epoch milliseconds: the zero of the physical field. */
  public static final long EPOCH_MILLIS = 1_577_836_800_000L;

  static final int PHYSICAL_BITS = 44;
  static final int LOGICAL_BITS = 12;
  static final int WRITER_BITS = 8;

  /** The largest logical counter before the clock borrows the next millisecond. */
  public static final long LOGICAL_MAX = (1L << LOGICAL_BITS) - 1;

  /** The largest writer tag. */
  public static final int WRITER_TAG_MAX = (1 << WRITER_BITS) - 1;

  static final long PHYSICAL_MAX = (1L << PHYSICAL_BITS) - 1;

  static {
    if (PHYSICAL_BITS + LOGICAL_BITS + WRITER_BITS != 64) {
      throw new AssertionError("HLC fields must fill 64 bits");
    }
  }

  private HlcTimestamp() {}

  static long pack(long physical, long logical, int writerTag) {
    if (physical < 0 || physical > PHYSICAL_MAX) {
      throw new IllegalStateException(
          "physical: " + physical + " (expected: 0.." + PHYSICAL_MAX + " ms since 2020-01-01)");
    }
    return (physical << (LOGICAL_BITS + WRITER_BITS)) | (logical << WRITER_BITS) | writerTag;
  }

  /** Milliseconds since 2020-01-01 for an epoch-millisecond wall-clock reading (0 if earlier). */
  static long physicalFromEpochMillis(long epochMillis) {
    return Math.max(0, epochMillis - EPOCH_MILLIS);
  }

  static long physicalOf(long version) {
    return version >>> (LOGICAL_BITS + WRITER_BITS);
  }

  static long logicalOf(long version) {
    return (version >>> WRITER_BITS) & LOGICAL_MAX;
  }

  static long withoutWriter(long version) {
    return version & ~((long) WRITER_TAG_MAX);
  }

  /** The wall-clock time a version was made at, to the millisecond. */
  public static Instant instantOf(long version) {
    return Instant.ofEpochMilli(EPOCH_MILLIS + physicalOf(version));
  }

  /** The logical counter of a version. */
  public static long counterOf(long version) {
    return logicalOf(version);
  }

  /** The writer tag of a version. */
  public static int writerTagOf(long version) {
    return (int) (version & WRITER_TAG_MAX);
  }

  /**
   * The writer tag of a node: its id's last byte (node ids are hashes, so the bits are uniform).
   */
  public static int writerTag(byte[] nodeId) {
    if (nodeId.length == 0) {
      throw new IllegalArgumentException("nodeId: empty (expected: at least 1 byte)");
    }
    return nodeId[nodeId.length - 1] & WRITER_TAG_MAX;
  }

  /** A readable form for logs: {@code 2026-11-21T07:45:46.123Z+5@3a}. */
  public static String format(long version) {
    return instantOf(version)
        + "+"
        + logicalOf(version)
        + "@"
        + String.format("%02x", writerTagOf(version));
  }
}
