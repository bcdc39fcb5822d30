package org.ppdb.storage.format;

/**
 * A one-direction cursor over internal records (memtable, table, or a merge of them), used by
 * reads, scans, flushes and compactions. The direction is fixed when the iterator is made: forward
 * iterators ascend the internal order, reverse ones descend it.
 *
 * <p>The accessors expose shared buffers valid until the next {@link #seek} or {@link #advance}:
 * the user key is {@code keyBuffer()[0, keyLength())}, the value {@code
 * valueBuffer()[valueOffset(), valueOffset()+valueLength())}. Not thread-safe.
 */
public interface InternalIterator extends AutoCloseable {
  /**
   * Positions a forward iterator at the first record whose user key is {@code >= bound}, a reverse
   * one at the last record whose user key is {@code < bound}; {@code null} means the first (last)
   * record.
   */
  void seek(byte[] bound);

  /** Whether the iterator is at a record. */
  boolean valid();

  /** Moves to the next record in the iterator's direction. */
  void advance();

  byte[] keyBuffer();

  int keyLength();

  long version();

  long seqKind();

  /**
   * Expiry (epoch ms) for {@code KIND_PUT_EXPIRING}, delete time (epoch ms) for tombstones, else 0.
   */
  long aux();

  byte[] valueBuffer();

  int valueOffset();

  int valueLength();

  @Override
  void close();
}
