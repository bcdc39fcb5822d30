package org.ppdb.storage;

import java.util.concurrent.Executor;
import org.ppdb.storage.fs.StorageFileSystem;

/**
 * Configuration of the LSM engine ({@link LsmStorage#open}): sizes, triggers, limits, and the
 * injected seams (file system, executor, clock). Immutable; build with {@link #builder()}, every
 * field has a default (given in the builder method's Javadoc) and is validated by {@link
 * Builder#build()}.
 */
public final class LsmOptions {
  /** Default memtable size: 64 MiB (RocksDB's write_buffer_size). */
  public static final long MEMTABLE_BYTES_DEFAULT = 64L << 20;

  private final long memtableBytes;
  private final int immutableMemtablesMax;
  private final long walSegmentBytes;
  private final SyncPolicy syncPolicy;
  private final int blockBytes;
  private final int blockRestartInterval;
  private final int bloomBitsPerKey;
  private final Compression compression;
  private final int level0CompactionTrigger;
  private final int level0SlowdownTrigger;
  private final int level0StopTrigger;
  private final long levelBaseBytes;
  private final int levelSizeRatio;
  private final boolean dynamicLevelBytes;
  private final int levelsMax;
  private final long tableFileBytes;
  private final long compactionBytesPerSecondMax;
  private final long blockCacheBytes;
  private final long tableCacheBytes;
  private final long tombstoneGraceMillis;
  private final int keyBytesMax;
  private final int valueBytesMax;
  private final StorageFileSystem fileSystem;
  private final Executor executor;
  private final StorageClock clock;

  private LsmOptions(Builder b) {
    memtableBytes = b.memtableBytes;
    immutableMemtablesMax = b.immutableMemtablesMax;
    walSegmentBytes = b.walSegmentBytes;
    syncPolicy = b.syncPolicy;
    blockBytes = b.blockBytes;
    blockRestartInterval = b.blockRestartInterval;
    bloomBitsPerKey = b.bloomBitsPerKey;
    compression = b.compression;
    level0CompactionTrigger = b.level0CompactionTrigger;
    level0SlowdownTrigger = b.level0SlowdownTrigger;
    level0StopTrigger = b.level0StopTrigger;
    levelBaseBytes = b.levelBaseBytes;
    levelSizeRatio = b.levelSizeRatio;
    dynamicLevelBytes = b.dynamicLevelBytes;
    levelsMax = b.levelsMax;
    tableFileBytes = b.tableFileBytes;
    compactionBytesPerSecondMax = b.compactionBytesPerSecondMax;
    blockCacheBytes = b.blockCacheBytes;
    tableCacheBytes = b.tableCacheBytes;
    tombstoneGraceMillis = b.tombstoneGraceMillis;
    keyBytesMax = b.keyBytesMax;
    valueBytesMax = b.valueBytesMax;
    fileSystem = b.fileSystem;
    executor = b.executor;
    clock = b.clock;
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static LsmOptions defaults() {
    return builder().build();
  }

  /** A builder initialised from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.memtableBytes = memtableBytes;
    b.immutableMemtablesMax = immutableMemtablesMax;
    b.walSegmentBytes = walSegmentBytes;
    b.syncPolicy = syncPolicy;
    b.blockBytes = blockBytes;
    b.blockRestartInterval = blockRestartInterval;
    b.bloomBitsPerKey = bloomBitsPerKey;
    b.compression = compression;
    b.level0CompactionTrigger = level0CompactionTrigger;
    b.level0SlowdownTrigger = level0SlowdownTrigger;
    b.level0StopTrigger = level0StopTrigger;
    b.levelBaseBytes = levelBaseBytes;
    b.levelSizeRatio = levelSizeRatio;
    b.dynamicLevelBytes = dynamicLevelBytes;
    b.levelsMax = levelsMax;
    b.tableFileBytes = tableFileBytes;
    b.compactionBytesPerSecondMax = compactionBytesPerSecondMax;
    b.blockCacheBytes = blockCacheBytes;
    b.tableCacheBytes = tableCacheBytes;
    b.tombstoneGraceMillis = tombstoneGraceMillis;
    b.keyBytesMax = keyBytesMax;
    b.valueBytesMax = valueBytesMax;
    b.fileSystem = fileSystem;
    b.executor = executor;
    b.clock = clock;
    return b;
  }

  public long memtableBytes() {
    return memtableBytes;
  }

  public int immutableMemtablesMax() {
    return immutableMemtablesMax;
  }

  public long walSegmentBytes() {
    return walSegmentBytes;
  }

  public SyncPolicy syncPolicy() {
    return syncPolicy;
  }

  public int blockBytes() {
    return blockBytes;
  }

  public int blockRestartInterval() {
    return blockRestartInterval;
  }

  public int bloomBitsPerKey() {
    return bloomBitsPerKey;
  }

  public Compression compression() {
    return compression;
  }

  public int level0CompactionTrigger() {
    return level0CompactionTrigger;
  }

  public int level0SlowdownTrigger() {
    return level0SlowdownTrigger;
  }

  public int level0StopTrigger() {
    return level0StopTrigger;
  }

  public long levelBaseBytes() {
    return levelBaseBytes;
  }

  public int levelSizeRatio() {
    return levelSizeRatio;
  }

  public boolean dynamicLevelBytes() {
    return dynamicLevelBytes;
  }

  public int levelsMax() {
    return levelsMax;
  }

  public long tableFileBytes() {
    return tableFileBytes;
  }

  public long compactionBytesPerSecondMax() {
    return compactionBytesPerSecondMax;
  }

  public long blockCacheBytes() {
    return blockCacheBytes;
  }

  public long tableCacheBytes() {
    return tableCacheBytes;
  }

  public long tombstoneGraceMillis() {
    return tombstoneGraceMillis;
  }

  public int keyBytesMax() {
    return keyBytesMax;
  }

  public int valueBytesMax() {
    return valueBytesMax;
  }

  public StorageFileSystem fileSystem() {
    return fileSystem;
  }

  /** The injected background executor, or {@code null}: the engine then owns two daemon threads. */
  public Executor executor() {
    return executor;
  }

  public StorageClock clock() {
    return clock;
  }

  /** Mutable builder of {@link LsmOptions}; not thread-safe. */
  public static final class Builder {
    private long memtableBytes = MEMTABLE_BYTES_DEFAULT;
    private int immutableMemtablesMax = 2;
    private long walSegmentBytes = 64L << 20;
    private SyncPolicy syncPolicy = SyncPolicy.always();
    private int blockBytes = 4096;
    private int blockRestartInterval = 16;
    private int bloomBitsPerKey = 10;
    private Compression compression = Compression.LZ4;
    private int level0CompactionTrigger = 4;
    private int level0SlowdownTrigger = 20;
    private int level0StopTrigger = 36;
    private long levelBaseBytes = 256L << 20;
    private int levelSizeRatio = 10;
    private boolean dynamicLevelBytes = true;
    private int levelsMax = 7;
    private long tableFileBytes = 64L << 20;
    private long compactionBytesPerSecondMax = 0;
    private long blockCacheBytes = 64L << 20;
    private long tableCacheBytes = 64L << 20;
    private long tombstoneGraceMillis = 10L * 24 * 3600 * 1000;
    private int keyBytesMax = StorageLimits.KEY_BYTES_MAX;
    private int valueBytesMax = StorageLimits.VALUE_BYTES_MAX;
    private StorageFileSystem fileSystem = StorageFileSystem.local();
    private Executor executor;
    private StorageClock clock = StorageClock.system();

    private Builder() {}

    /**
     * Bytes a memtable holds before it is switched to immutable and flushed [64 MiB; 64 KiB..1
     * GiB]. Larger: fewer, larger L0 files and less write amplification; more memory and longer
     * recovery.
     */
    public Builder memtableBytes(long v) {
      memtableBytes = v;
      return this;
    }

    /**
     * Immutable memtables waiting for flush before writers stop [2; 1..16]. More absorbs bursts
     * with more memory.
     */
    public Builder immutableMemtablesMax(int v) {
      immutableMemtablesMax = v;
      return this;
    }

    /** Size at which a WAL segment is closed and a new one started [64 MiB; 64 KiB..1 GiB]. */
    public Builder walSegmentBytes(long v) {
      walSegmentBytes = v;
      return this;
    }

    /** When the WAL is synced [{@link SyncPolicy#always()}]. */
    public Builder syncPolicy(SyncPolicy v) {
      syncPolicy = v;
      return this;
    }

    /**
     * Target uncompressed data-block size [4096 bytes; 256..1 MiB]. Larger: smaller index, slower
     * gets.
     */
    public Builder blockBytes(int v) {
      blockBytes = v;
      return this;
    }

    /**
     * Keys between restart points in a block [16; 1..1024]. Smaller: faster seeks, less prefix
     * saving.
     */
    public Builder blockRestartInterval(int v) {
      blockRestartInterval = v;
      return this;
    }

    /** Bloom filter bits per key [10 (~1% false positives); 0 disables, max 32]. */
    public Builder bloomBitsPerKey(int v) {
      bloomBitsPerKey = v;
      return this;
    }

    /** Block compression [{@link Compression#LZ4}]. */
    public Builder compression(Compression v) {
      compression = v;
      return this;
    }

    /**
     * L0 files that start an L0 compaction [4; >= 1]. Files count in proportion to their size
     * against the largest L0 file (a small table flushed early counts for its share), and twice
     * this many files start one whatever their sizes. Higher: fewer, larger L0 compactions (less
     * rewriting of the base level per byte written) but more tables for a read to consult.
     */
    public Builder level0CompactionTrigger(int v) {
      level0CompactionTrigger = v;
      return this;
    }

    /** L0 files at which each write is delayed ~1 ms [20; >= compaction trigger]. */
    public Builder level0SlowdownTrigger(int v) {
      level0SlowdownTrigger = v;
      return this;
    }

    /** L0 files at which writes stop until compaction catches up [36; >= slowdown trigger]. */
    public Builder level0StopTrigger(int v) {
      level0StopTrigger = v;
      return this;
    }

    /**
     * Target size of L1 [256 MiB; >= 1 MiB]; level n+1 is {@code levelSizeRatio} times level n.
     * With {@link #dynamicLevelBytes} (the default), the largest target any level above the last
     * gets.
     */
    public Builder levelBaseBytes(long v) {
      levelBaseBytes = v;
      return this;
    }

    /**
     * Size ratio between adjacent levels [10; 2..100]. Larger: less space, more write
     * amplification.
     */
    public Builder levelSizeRatio(int v) {
      levelSizeRatio = v;
      return this;
    }

    /**
     * Whether level targets follow the data [true], like RocksDB's {@code
     * level_compaction_dynamic_level_bytes}: the last level's target is its actual size, each level
     * above it a {@code levelSizeRatio}-th of the next, and level 0 compacts into the highest level
     * whose target is at least a ratio-th of {@code levelBaseBytes} (the base level); the levels
     * above it stay empty, and no target is below {@code levelBaseBytes}. So the last level holds
     * most of the data whatever its size, and a small database is compacted from L0 straight into
     * the last level. At 10,000,000 keys of 116 bytes, fillrandom wrote 5.55 bytes per user byte
     * with it against 5.63 with fixed targets (storage/README.md, "Performance"). False: the fixed
     * targets {@code levelBaseBytes * ratio^(n-1)} and level 0 into L1, as in leveldb.
     */
    public Builder dynamicLevelBytes(boolean v) {
      dynamicLevelBytes = v;
      return this;
    }

    /** Number of levels including L0 [7; 2..12]. */
    public Builder levelsMax(int v) {
      levelsMax = v;
      return this;
    }

    /** Target size of a compaction output file [64 MiB; 64 KiB..4 GiB]. */
    public Builder tableFileBytes(long v) {
      tableFileBytes = v;
      return this;
    }

    /** Compaction write-rate limit in bytes per second [0 = unlimited]. */
    public Builder compactionBytesPerSecondMax(long v) {
      compactionBytesPerSecondMax = v;
      return this;
    }

    /** Block cache capacity in bytes of decoded blocks [64 MiB; 0 disables]. */
    public Builder blockCacheBytes(long v) {
      blockCacheBytes = v;
      return this;
    }

    /**
     * Table cache capacity, weighed by index and filter bytes of open tables [64 MiB; >= 1 MiB].
     */
    public Builder tableCacheBytes(long v) {
      tableCacheBytes = v;
      return this;
    }

    /**
     * Minimum age of a tombstone, by the engine clock at the time of the delete, before compaction
     * may purge it [10 days; >= 0]. Must exceed the replicas' anti-entropy cycle, or deleted data
     * may return.
     */
    public Builder tombstoneGraceMillis(long v) {
      tombstoneGraceMillis = v;
      return this;
    }

    /** Largest key accepted [64 KiB; 1..64 KiB]. */
    public Builder keyBytesMax(int v) {
      keyBytesMax = v;
      return this;
    }

    /** Largest value accepted [16 MiB; 0..16 MiB]. */
    public Builder valueBytesMax(int v) {
      valueBytesMax = v;
      return this;
    }

    /** The file-system seam [{@link StorageFileSystem#local()}]. */
    public Builder fileSystem(StorageFileSystem v) {
      fileSystem = v;
      return this;
    }

    /**
     * Executor for flushes, compactions, interval syncs and cache maintenance [null: the engine
     * starts and owns two daemon threads]. An injected executor is not shut down by the engine; it
     * must run tasks eventually (a direct executor is allowed: work then runs on the calling
     * thread).
     */
    public Builder executor(Executor v) {
      executor = v;
      return this;
    }

    /** Wall clock and ticker [{@link StorageClock#system()}]. */
    public Builder clock(StorageClock v) {
      clock = v;
      return this;
    }

    /** Validates and builds. */
    public LsmOptions build() {
      range("memtableBytes", memtableBytes, 64 << 10, 1L << 30);
      range("immutableMemtablesMax", immutableMemtablesMax, 1, 16);
      range("walSegmentBytes", walSegmentBytes, 64 << 10, 1L << 30);
      if (syncPolicy == null) {
        throw new NullPointerException("syncPolicy");
      }
      range("blockBytes", blockBytes, 256, 1 << 20);
      range("blockRestartInterval", blockRestartInterval, 1, 1024);
      range("bloomBitsPerKey", bloomBitsPerKey, 0, 32);
      if (compression == null) {
        throw new NullPointerException("compression");
      }
      range("level0CompactionTrigger", level0CompactionTrigger, 1, 1000);
      range("level0SlowdownTrigger", level0SlowdownTrigger, level0CompactionTrigger, 1000);
      range("level0StopTrigger", level0StopTrigger, level0SlowdownTrigger, 1000);
      range("levelBaseBytes", levelBaseBytes, 1 << 20, 1L << 50);
      range("levelSizeRatio", levelSizeRatio, 2, 100);
      range("levelsMax", levelsMax, 2, 12);
      range("tableFileBytes", tableFileBytes, 64 << 10, 4L << 30);
      range("compactionBytesPerSecondMax", compactionBytesPerSecondMax, 0, Long.MAX_VALUE);
      range("blockCacheBytes", blockCacheBytes, 0, 1L << 50);
      range("tableCacheBytes", tableCacheBytes, 1 << 20, 1L << 50);
      range("tombstoneGraceMillis", tombstoneGraceMillis, 0, Long.MAX_VALUE);
      range("keyBytesMax", keyBytesMax, 1, StorageLimits.KEY_BYTES_MAX);
      range("valueBytesMax", valueBytesMax, 0, StorageLimits.VALUE_BYTES_MAX);
      if (fileSystem == null) {
        throw new NullPointerException("fileSystem");
      }
      if (clock == null) {
        throw new NullPointerException("clock");
      }
      return new LsmOptions(this);
    }

    private static void range(String name, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            name + ": " + v + " (expected: >= " + min + " and <= " + max + ")");
      }
    }
  }
}
