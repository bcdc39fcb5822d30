package org.ppdb.storage.sstable;

import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalKeys;

/**
 * The compact trailer that ends the key of every data-block entry in table format version 2
 * (docs/formats/sstable.md, "Data entries"): the record's version and {@code seqKind} in 1 to 17
 * bytes instead of the 16 fixed bytes of version 1.
 *
 * <pre>
 * u8 header ‖ version[n] (big-endian, unsigned, n = 0..8) ‖ varint64 sequence (if present)
 * header: bits 0-1 kind (0, 1, 2; 3 is reserved), bit 2 sequence present, bits 3-6 n, bit 7 zero
 * </pre>
 *
 * <p>Why: a record's user key, value and these two numbers are what a table stores, and at 116
 * bytes of key and value per record the fixed trailer was an eighth of every table byte written by
 * flushes and compactions. Versions are stored in as many bytes as they need (8 for negative ones
 * and for hybrid-logical-clock timestamps, fewer for small counters); the sequence number is a
 * varint (at most 8 bytes for its 56 bits), and omitted when it is zero, which compactions into the
 * last level write for records every snapshot sees (RocksDB zeroes sequence numbers there for the
 * same reason: only snapshots need them). Stateless; call from any thread.
 */
final class EntryTrailer {
  /** Largest encoded trailer: header, 8 version bytes, a varint of 56 bits. */
  static final int BYTES_MAX = 1 + 8 + 8;

  static final int KIND_MASK = 0x3;
  static final int SEQUENCE_PRESENT = 0x4;
  static final int VERSION_BYTES_SHIFT = 3;

  private EntryTrailer() {}

  /**
   * Writes the trailer of a record at {@code out[0..]}; returns its length.
   *
   * @throws IllegalArgumentException for a kind the format does not know
   */
  static int encode(byte[] out, long version, long seqKind) {
    int kind = InternalKeys.kind(seqKind);
    if (kind > InternalKeys.KIND_PUT_EXPIRING) {
      throw new IllegalArgumentException(
          "kind: " + kind + " (expected: <= " + InternalKeys.KIND_PUT_EXPIRING + ")");
    }
    long seq = InternalKeys.seq(seqKind);
    int n = versionBytes(version);
    out[0] = (byte) (kind | (seq != 0 ? SEQUENCE_PRESENT : 0) | n << VERSION_BYTES_SHIFT);
    int p = 1;
    for (int shift = (n - 1) * 8; shift >= 0; shift -= 8) {
      out[p++] = (byte) (version >>> shift);
    }
    if (seq != 0) {
      p = Coding.putVarlong(out, p, seq);
    }
    return p;
  }

  /** Bytes a version takes: 8 if negative, else the fewest that hold it (0 for version 0). */
  static int versionBytes(long version) {
    return version < 0 ? 8 : (64 - Long.numberOfLeadingZeros(version) + 7) >>> 3;
  }
}
