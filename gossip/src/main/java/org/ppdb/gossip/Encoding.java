package org.ppdb.gossip;

/** Sizes of the compact encoding's primitives (see {@link SwimMessage} for the layout). */
final class Encoding {
  private Encoding() {}

  /** Bytes of an unsigned LEB128 varint of a non-negative int. */
  static int varIntSize(int value) {
    if (value < 0) {
      return 5;
    }
    return value < (1 << 7)
        ? 1
        : value < (1 << 14) ? 2 : value < (1 << 21) ? 3 : value < (1 << 28) ? 4 : 5;
  }

  /** Bytes of an unsigned LEB128 varint of a long (negative values take 10). */
  static int varLongSize(long value) {
    if (value < 0) {
      return 10;
    }
    int bits = 64 - Long.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }
}
