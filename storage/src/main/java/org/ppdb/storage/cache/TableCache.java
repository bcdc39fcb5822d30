package org.ppdb.storage.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.ppdb.storage.StorageClock;
import org.ppdb.storage.StorageIoException;
import org.ppdb.storage.StorageStats;
import org.ppdb.storage.fs.StorageFileSystem;
import org.ppdb.storage.manifest.FileMeta;
import org.ppdb.storage.sstable.BlockStore;
import org.ppdb.storage.sstable.Table;
import org.ppdb.storage.sstable.TableFormat;

/**
 * The table cache: open {@link Table}s (file handle, index and filter in memory) keyed by file
 * number, bounded by the bytes they pin (Caffeine, injected ticker and executor). The cache holds
 * one reference per table; eviction drops it, and the file closes when the last reader releases its
 * own. Thread-safe.
 */
public final class TableCache {
  private final StorageFileSystem fs;
  private final Path dir;
  private final BlockStore blocks;
  private final Cache<Long, Table> cache;
  private final long capacityBytes;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public TableCache(
      StorageFileSystem fs,
      Path dir,
      BlockStore blocks,
      long capacityBytes,
      StorageClock clock,
      Executor executor) {
    this.fs = fs;
    this.dir = dir;
    this.blocks = blocks;
    this.capacityBytes = capacityBytes;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(capacityBytes)
            .weigher((Long k, Table t) -> t.weight())
            .ticker(clock::nanoTime)
            .executor(executor)
            .removalListener(
                (Long k, Table t, RemovalCause c) -> {
                  if (t != null) {
                    t.release();
                  }
                })
            .recordStats()
            .build();
  }

  /** The path of table {@code number} in {@code dir}. */
  public static Path tablePath(Path dir, long number) {
    return dir.resolve(String.format("%06d%s", number, TableFormat.SUFFIX));
  }

  /**
   * The open table for {@code file} with a reference taken for the caller, who must {@link
   * Table#release()} it.
   */
  public Table acquire(FileMeta file) {
    while (true) {
      Table t = cache.getIfPresent(file.number());
      if (t == null) {
        misses.increment();
        try {
          Table opened =
              Table.open(fs, tablePath(dir, file.number()), file.number(), file.size(), blocks);
          Table raced = cache.asMap().putIfAbsent(file.number(), opened);
          if (raced != null) {
            opened.release();
            t = raced;
          } else {
            t = opened;
          }
        } catch (IOException e) {
          throw new StorageIoException(
              "open of table " + tablePath(dir, file.number()) + " failed", e);
        }
      } else {
        hits.increment();
      }
      if (t.acquire()) {
        return t;
      }
      // Evicted and closed between lookup and acquire: open it again.
      cache.asMap().remove(file.number(), t);
    }
  }

  /**
   * The open table for {@code file} if the cache holds it, without taking a reference: only for
   * reading what stays valid after the table closes (its in-memory filter), never its file.
   */
  public Table peek(FileMeta file) {
    return cache.getIfPresent(file.number());
  }

  /** Forgets a deleted table. */
  public void evict(long number) {
    Table t = cache.asMap().remove(number);
    if (t != null) {
      t.release();
    }
  }

  public StorageStats.CacheStats stats() {
    long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new StorageStats.CacheStats(
        hits.sum(), misses.sum(), cache.stats().evictionCount(), weight, capacityBytes);
  }

  public void invalidateAll() {
    for (Long number : new java.util.ArrayList<>(cache.asMap().keySet())) {
      evict(number);
    }
  }
}
