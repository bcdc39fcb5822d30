package org.ppdb.storage;

/**
 * A consistent point-in-time view of an engine: it sees exactly the writes acknowledged before it
 * was taken, whatever is written, flushed or compacted afterwards. Holding a snapshot keeps the
 * data it can see from being compacted away, so close it promptly.
 *
 * <p>Thread-safe: reads may run concurrently. Cheap to take (a sequence number and a reference
 * count).
 */
public interface Snapshot extends AutoCloseable {
  /**
   * The value of {@code key} as of this snapshot, or {@code null} if absent, deleted or expired.
   */
  byte[] get(byte[] key);

  /**
   * The winning record of {@code key} as of this snapshot, tombstones included, or {@code null}.
   */
  Record getRecord(byte[] key);

  /**
   * Live entries with {@code fromInclusive <= key < toExclusive} (either bound {@code null} for
   * unbounded) in the given direction; tombstones and expired entries are skipped.
   */
  Cursor scan(byte[] fromInclusive, byte[] toExclusive, Direction direction);

  /**
   * Like {@link #scan} but yields every key's winning record, tombstones and expired ones included.
   */
  Cursor scanRecords(byte[] fromInclusive, byte[] toExclusive, Direction direction);

  /** The engine-internal sequence number this snapshot reads at (diagnostics only). */
  long sequence();

  @Override
  void close();
}
