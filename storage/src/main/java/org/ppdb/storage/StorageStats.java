package org.ppdb.storage;

import java.util.List;

/**
 * A copy of an engine's counters. Fields that an engine does not have are 0 (the in-memory engine
 * has no levels, log or stall; the LSM engine has no evictions).
 *
 * @param levels per LSM level (index = level number): file count and bytes
 * @param memtableBytes bytes held by the mutable and immutable memtables (or all data, in memory)
 * @param entriesApprox approximate number of entries (all versions, all structures)
 * @param userBytesWritten key and value bytes accepted from callers
 * @param walBytesWritten bytes appended to the write-ahead log
 * @param flushBytesWritten bytes written by memtable flushes
 * @param compactionBytesWritten bytes written by compactions
 * @param compactionBytesRead bytes read by compactions
 * @param liveBytes bytes of all live table files
 * @param blockCache block cache counters
 * @param tableCache table cache counters
 * @param stallNanos total time writers waited for flushes or compactions (slowdown and stop)
 * @param stallCount number of writes that waited
 * @param evictions entries evicted because the engine was full (in-memory engine)
 * @param flushes memtable flushes completed
 * @param compactions compactions completed
 * @param readOnly whether the engine refuses writes after a failed write or sync
 */
public record StorageStats(
    List<LevelStats> levels,
    long memtableBytes,
    long entriesApprox,
    long userBytesWritten,
    long walBytesWritten,
    long flushBytesWritten,
    long compactionBytesWritten,
    long compactionBytesRead,
    long liveBytes,
    CacheStats blockCache,
    CacheStats tableCache,
    long stallNanos,
    long stallCount,
    long evictions,
    long flushes,
    long compactions,
    boolean readOnly) {

  public StorageStats {
    levels = List.copyOf(levels);
  }

  /**
   * Write amplification: bytes written to disk (log, flushes, compactions) per byte accepted from
   * callers; 0 before the first write.
   */
  public double writeAmplification() {
    return userBytesWritten == 0
        ? 0
        : (double) (walBytesWritten + flushBytesWritten + compactionBytesWritten)
            / userBytesWritten;
  }

  /** Write amplification without the log (table bytes written per user byte). */
  public double writeAmplificationWithoutWal() {
    return userBytesWritten == 0
        ? 0
        : (double) (flushBytesWritten + compactionBytesWritten) / userBytesWritten;
  }

  /**
   * Space amplification: bytes of live table files per byte of the last level (the leveled-LSM
   * estimate, ~ 1.11 at a size ratio of 10); 0 if the last level is empty.
   */
  public double spaceAmplification() {
    long last = 0;
    for (int i = levels.size() - 1; i >= 0; i--) {
      if (levels.get(i).bytes() > 0) {
        last = levels.get(i).bytes();
        break;
      }
    }
    return last == 0 ? 0 : (double) liveBytes / last;
  }

  /**
   * One LSM level.
   *
   * @param level level number, 0 for the overlapping level
   * @param files table files in the level
   * @param bytes bytes of those files
   * @param score compaction score (>= 1 means the level wants compaction)
   */
  public record LevelStats(int level, int files, long bytes, double score) {}

  /**
   * One cache.
   *
   * @param hits lookups served by the cache
   * @param misses lookups that loaded
   * @param evictions entries evicted for size
   * @param weightBytes current weighted size in bytes
   * @param capacityBytes maximum weighted size in bytes
   */
  public record CacheStats(
      long hits, long misses, long evictions, long weightBytes, long capacityBytes) {
    /** An empty cache record (engines without that cache). */
    public static final CacheStats NONE = new CacheStats(0, 0, 0, 0, 0);

    /** Hits per lookup, 0 before the first lookup. */
    public double hitRate() {
      long n = hits + misses;
      return n == 0 ? 0 : (double) hits / n;
    }
  }
}
