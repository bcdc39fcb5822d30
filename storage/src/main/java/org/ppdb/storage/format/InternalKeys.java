package org.ppdb.storage.format;

import java.util.Arrays;

/**
 * The internal order of records (docs/formats/sstable.md, "Internal keys"). A record is identified
 * by (user key, version, sequence): user keys ascend in unsigned lexicographic order; within a key,
 * versions descend (signed), then sequence numbers descend. The sequence (56 bits) and the kind (8
 * bits) share one 64-bit word, {@code seqKind = seq << 8 | kind}.
 *
 * <p>The winner of a key at a snapshot is the record with the highest version among those with
 * sequence at most the snapshot's; ties between equal versions are broken by content ({@link
 * #beats}).
 */
public final class InternalKeys {
  /** Largest sequence number (56 bits). */
  public static final long SEQ_MAX = (1L << 56) - 1;

  /** Kind stored in the low byte of {@code seqKind}: tombstone. Frozen on disk. */
  public static final int KIND_TOMBSTONE = 0;

  /** Kind: put without expiry. Frozen on disk. */
  public static final int KIND_PUT = 1;

  /** Kind: put with expiry. Frozen on disk. */
  public static final int KIND_PUT_EXPIRING = 2;

  private InternalKeys() {}

  public static long seqKind(long seq, int kind) {
    return (seq << 8) | kind;
  }

  public static long seq(long seqKind) {
    return seqKind >>> 8;
  }

  public static int kind(long seqKind) {
    return (int) (seqKind & 0xff);
  }

  /** Compares two internal keys given as parts. */
  public static int compare(
      byte[] a,
      int aOff,
      int aLen,
      long aVersion,
      long aSeqKind,
      byte[] b,
      int bOff,
      int bLen,
      long bVersion,
      long bSeqKind) {
    int c = Arrays.compareUnsigned(a, aOff, aOff + aLen, b, bOff, bOff + bLen);
    if (c != 0) {
      return c;
    }
    c = Long.compare(bVersion, aVersion);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(bSeqKind >>> 8, aSeqKind >>> 8);
  }

  /**
   * Whether candidate record {@code a} beats {@code b}, two records of the same key: higher
   * version; at equal versions a tombstone beats a put; between puts the later expiry (0 = never,
   * largest) wins, then the unsigned-lexicographically larger value. Deterministic from content
   * only, so replicas agree whatever the arrival order.
   */
  public static boolean beats(
      long aVersion,
      int aKind,
      long aExpiry,
      byte[] aValue,
      int aValueOff,
      int aValueLen,
      long bVersion,
      int bKind,
      long bExpiry,
      byte[] bValue,
      int bValueOff,
      int bValueLen) {
    if (aVersion != bVersion) {
      return aVersion > bVersion;
    }
    boolean aTomb = aKind == KIND_TOMBSTONE;
    boolean bTomb = bKind == KIND_TOMBSTONE;
    if (aTomb || bTomb) {
      return aTomb && !bTomb;
    }
    long ae = aExpiry == 0 ? Long.MAX_VALUE : aExpiry;
    long be = bExpiry == 0 ? Long.MAX_VALUE : bExpiry;
    if (ae != be) {
      return ae > be;
    }
    return Arrays.compareUnsigned(
            aValue, aValueOff, aValueOff + aValueLen, bValue, bValueOff, bValueOff + bValueLen)
        > 0;
  }
}
