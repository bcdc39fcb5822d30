package org.ppdb.storage;

/**
 * A cursor over a key range of a {@link Snapshot}, one entry per key (its winning record), in the
 * order of the scan's {@link Direction}. Starts before the first entry: call {@link #next()} first.
 *
 * <p>Not thread-safe: one thread at a time. The arrays returned by the accessors belong to the
 * caller (fresh copies per entry). Close it to release the files it pins; closing the snapshot also
 * closes it.
 */
public interface Cursor extends AutoCloseable {
  /** Moves to the next entry; returns false (and stays there) at the end of the range. */
  boolean next();

  /** Key of the current entry. */
  byte[] key();

  /** Value of the current entry, {@code null} for a tombstone. */
  byte[] value();

  /** Version of the current entry. */
  long version();

  /** Expiry of the current entry in epoch milliseconds, 0 for none. */
  long expiresAtMillis();

  /** Whether the current entry is a tombstone (only in {@link Snapshot#scanRecords} cursors). */
  boolean isTombstone();

  @Override
  void close();
}
