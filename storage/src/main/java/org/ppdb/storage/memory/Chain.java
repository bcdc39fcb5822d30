package org.ppdb.storage.memory;

import org.ppdb.storage.Record;

/**
 * The stored state of one key: its winning record and, while snapshots may need them, the records
 * that won before, newest first, each with the sequence number at which it began to win. Immutable:
 * a write replaces the whole chain, so readers never see a half-made change.
 *
 * @param head the newest version
 * @param weight the bytes charged against the memory limit
 * @param purgeAtNanos ticker time at which the chain is purged (cache expiry), or {@link #NEVER}
 */
record Chain(Version head, int weight, long purgeAtNanos) {
  /** No purge deadline. */
  static final long NEVER = Long.MAX_VALUE;

  /**
   * One version of a key.
   *
   * @param seq the engine sequence number of the write that made it the winner
   * @param record the winning record, tombstones included
   * @param purgeAtNanos when this version, if it were alone, would be purged: its expiry for a put
   *     with TTL, its delete time plus the grace period for a tombstone, else {@link #NEVER}
   * @param older the previous winner, kept for snapshots, or {@code null}
   */
  record Version(long seq, Record record, long purgeAtNanos, Version older) {}

  /** A chain whose purge deadline and weight follow from its versions. */
  static Chain of(byte[] key, Version head) {
    long weight = key.length + MemoryOptions.ENTRY_OVERHEAD_BYTES;
    for (Version v = head; v != null; v = v.older()) {
      if (v != head) {
        weight += MemoryOptions.VERSION_OVERHEAD_BYTES;
      }
      if (v.record().value() != null) {
        weight += v.record().value().length;
      }
    }
    // A chain that keeps history for a snapshot is never purged: the snapshot can still see what
    // the newest version hides (the rule for tombstones), and expiry only hides the newest version.
    long purgeAt = head.older() == null ? head.purgeAtNanos() : NEVER;
    return new Chain(head, (int) Math.min(Integer.MAX_VALUE, weight), purgeAt);
  }

  /** The version a reader at {@code seq} sees, or {@code null} if the key had no record then. */
  Version at(long seq) {
    for (Version v = head; v != null; v = v.older()) {
      if (v.seq() <= seq) {
        return v;
      }
    }
    return null;
  }

  /** Whether the chain is purged (or due to be) at ticker time {@code nowNanos}. */
  boolean purgedAt(long nowNanos) {
    return purgeAtNanos != NEVER && nowNanos >= purgeAtNanos;
  }
}
