package org.ppdb.storage.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.Executor;
import org.ppdb.storage.StorageClock;
import org.ppdb.storage.StorageStats;
import org.ppdb.storage.sstable.Block;
import org.ppdb.storage.sstable.BlockStore;

/**
 * The block cache: verified, decompressed data blocks keyed by (file number, offset), bounded by
 * bytes (Caffeine, W-TinyLFU admission; Einziger, Friedman and Manes, "TinyLFU: A Highly Efficient
 * Cache Admission Policy", ACM ToS 2017). Ticker and maintenance executor are injected.
 * Thread-safe.
 */
public final class BlockCache implements BlockStore {
  private final Cache<BlockKey, Block> cache;
  private final long capacityBytes;

  record BlockKey(long fileNumber, long offset) {
    // Written out: the generated record methods go through an invokedynamic bootstrap that showed
    // up in read profiles; this is on every block lookup.
    @Override
    public boolean equals(Object o) {
      return o instanceof BlockKey k && k.fileNumber == fileNumber && k.offset == offset;
    }

    @Override
    public int hashCode() {
      // Block offsets step by about the block size, so their low bits repeat: mix every bit
      // (murmur3's finalizer) so that hash-table bins stay short.
      long h = fileNumber * 0x9E3779B97F4A7C15L + offset;
      h ^= h >>> 33;
      h *= 0xFF51AFD7ED558CCDL;
      h ^= h >>> 33;
      h *= 0xC4CEB9FE1A85EC53L;
      h ^= h >>> 33;
      return (int) h;
    }
  }

  public BlockCache(long capacityBytes, StorageClock clock, Executor executor) {
    this.capacityBytes = capacityBytes;
    this.cache =
        capacityBytes == 0
            ? null
            : Caffeine.newBuilder()
                .maximumWeight(capacityBytes)
                .weigher((BlockKey k, Block b) -> b.weight())
                .ticker(clock::nanoTime)
                .executor(executor)
                .recordStats()
                .build();
  }

  @Override
  public Block get(long fileNumber, long offset) {
    return cache == null ? null : cache.getIfPresent(new BlockKey(fileNumber, offset));
  }

  @Override
  public void put(long fileNumber, long offset, Block block) {
    if (cache != null) {
      cache.put(new BlockKey(fileNumber, offset), block);
    }
  }

  /** Drops every block of a deleted file (they would never be read again). */
  public void evictFile(long fileNumber) {
    if (cache != null) {
      cache.asMap().keySet().removeIf(k -> k.fileNumber() == fileNumber);
    }
  }

  public StorageStats.CacheStats stats() {
    if (cache == null) {
      return StorageStats.CacheStats.NONE;
    }
    var s = cache.stats();
    long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new StorageStats.CacheStats(
        s.hitCount(), s.missCount(), s.evictionCount(), weight, capacityBytes);
  }

  public void invalidateAll() {
    if (cache != null) {
      cache.invalidateAll();
      cache.cleanUp();
    }
  }
}
