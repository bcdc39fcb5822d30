package org.ppdb.storage;

import java.nio.file.Path;

/**
 * An embedded key-value engine with versioned, last-writer-wins records: the interface of both the
 * LSM engine ({@link LsmStorage#open}) and the bounded in-memory engine ({@code
 * org.ppdb.storage.memory}).
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>Every write carries a caller-supplied 64-bit version. Per key, the record with the highest
 *       version wins, whatever the order of arrival; a delete is a versioned tombstone. Applying
 *       the same writes in any order, any number of times, gives the same state. Between two
 *       records of the same key and version the winner is fixed by content: a tombstone beats a
 *       put; between puts, the larger expiry wins (0, no expiry, counts as the largest), then the
 *       unsigned-lexicographically larger value. (ppdb's versions are unique per write, so ties do
 *       not arise in practice.)
 *   <li>Reads for clients ({@link #get}, {@link Snapshot#scan}) hide tombstones and expired
 *       entries: a put with {@code expiresAtMillis != 0} is invisible from the moment {@code
 *       clock.epochMillis() >= expiresAtMillis}. An expired or deleted winner hides every older
 *       version.
 *   <li>{@link #getRecord} returns the winning record including tombstones and expired puts, with
 *       its version: what read repair and anti-entropy compare.
 *   <li>Tombstones are purged only after a configured grace period, and only when no open snapshot
 *       can see what they hide.
 * </ul>
 *
 * <h2>Threading and cost</h2>
 *
 * All methods are thread-safe. Writes are durable according to the engine's sync policy when they
 * return; they may block (a measured stall) when background flushing or compaction falls behind.
 * Errors are {@link StorageException}s: {@link CorruptionException}, {@link StorageIoException},
 * {@link ReadOnlyException} (after a failed sync), {@link StorageClosedException}, {@link
 * LimitExceededException}.
 */
public interface StorageEngine extends AutoCloseable {
  /** The live value of {@code key}, or {@code null} if absent, deleted or expired. */
  byte[] get(byte[] key);

  /**
   * The winning record of {@code key}, tombstones and expired puts included, or {@code null} if the
   * engine holds no record for it (never written, or purged).
   */
  Record getRecord(byte[] key);

  /**
   * An upper bound of the versions of every record this engine has taken, or {@link Long#MAX_VALUE}
   * when the engine keeps no such bound (then every write may have been superseded). It only rises,
   * and it covers a write before the write returns.
   *
   * <p>What it is for: a caller that reads the ceiling before a write, and writes a record whose
   * version is above it, knows that no record taken before the write supersedes that record, so it
   * need not read the key back (a lookup as costly as the write) to learn whether it did. A
   * concurrent write of the same key may still supersede it; the two are concurrent, and either
   * order is a valid one. Cheap: a volatile read.
   */
  default long versionCeiling() {
    return Long.MAX_VALUE;
  }

  /** Writes {@code key -> value} at {@code version}, without expiry. */
  default void put(byte[] key, byte[] value, long version) {
    put(key, value, version, 0);
  }

  /**
   * Writes {@code key -> value} at {@code version}, expiring at {@code expiresAtMillis} (absolute
   * epoch milliseconds of the engine's clock; 0 for never).
   */
  void put(byte[] key, byte[] value, long version, long expiresAtMillis);

  /** Writes a tombstone for {@code key} at {@code version}. */
  void delete(byte[] key, long version);

  /** Applies every operation of {@code batch} atomically. The batch may be reused afterwards. */
  void write(WriteBatch batch);

  /** A point-in-time view of the current state; close it when done. */
  Snapshot snapshot();

  /**
   * Makes everything written so far durable in the engine's main structures (for the LSM engine:
   * the memtable is written to an SSTable and the log is synced) and returns when done.
   */
  void flush();

  /**
   * Compacts the key range {@code [fromInclusive, toExclusive)} ({@code null} bounds are open) down
   * the levels, dropping obsolete versions, expired entries and purgeable tombstones; returns when
   * done.
   */
  void compactRange(byte[] fromInclusive, byte[] toExclusive);

  /**
   * Writes a consistent, openable copy of the engine into the new directory {@code target} (which
   * must not exist), using hard links for immutable files. Same file system only.
   *
   * @throws UnsupportedOperationException for engines without files
   */
  void checkpoint(Path target);

  /**
   * Reads every stored block and checks every checksum.
   *
   * @throws CorruptionException naming the first damaged file
   */
  VerifyReport verify();

  /** A consistent-enough copy of the engine's counters (cheap; no I/O). */
  StorageStats stats();

  /**
   * Flushes what the sync policy requires, stops background work, releases files. Idempotent. Later
   * calls on this engine throw {@link StorageClosedException}.
   */
  @Override
  void close();
}
