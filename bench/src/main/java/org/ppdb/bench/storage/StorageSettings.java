package org.ppdb.bench.storage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * The settings of one storage benchmark, shared by every engine measured so that they run under
 * equal conditions (WAL on, sync only where the workload says so, the same memtable size, block
 * cache size, compression and bloom filter bits), and handed from the coordinating process to each
 * worker JVM.
 *
 * @param num keys in the key space; fills write this many entries (default 1,000,000)
 * @param reads operations of each read workload and of overwrite and deleterandom (default {@code
 *     num})
 * @param seeks seeks of seekrandom, each followed by {@link #seekNexts} nexts (default {@code num /
 *     10})
 * @param seekNexts entries read after each seek (10)
 * @param syncOps writes of fillsync, where every write is synced (default {@code max(1000, num /
 *     100)}); a synced write costs a disk flush, so this is kept far below {@code num}
 * @param syncThreads writer threads of fillsync (16), so that group commit has writers to group
 * @param keyBytes bytes per key (16)
 * @param valueBytes bytes per value (100); values compress to about half, like db_bench's
 * @param memtableBytes bytes of the active memtable before it is switched and flushed (64 MiB)
 * @param blockCacheBytes bytes of the block cache (64 MiB)
 * @param bloomBitsPerKey bloom filter bits per key (10, about 1% false positives)
 * @param blockBytes target bytes of an SSTable data block (4 KiB)
 * @param compression block compression, {@code none} or {@code lz4}
 * @param ppdbEngine which ppdb engine is measured: {@code lsm} (the default) or {@code memory}
 * @param memoryBytes the memory limit of ppdb's in-memory engine (only with {@code memory})
 * @param seed seed of every key sequence and value
 * @param workloads the workloads to run, in order, by name
 * @param settleSecondsMax how long a worker waits, after a write workload, for flushes and
 *     compactions to finish before it measures amplification (120 s)
 * @param workloadSecondsMax how long one workload may run before the worker gives up (1800 s)
 */
public record StorageSettings(
    @JsonProperty("num") int num,
    @JsonProperty("reads") int reads,
    @JsonProperty("seeks") int seeks,
    @JsonProperty("seek_nexts") int seekNexts,
    @JsonProperty("sync_ops") int syncOps,
    @JsonProperty("sync_threads") int syncThreads,
    @JsonProperty("key_bytes") int keyBytes,
    @JsonProperty("value_bytes") int valueBytes,
    @JsonProperty("memtable_bytes") long memtableBytes,
    @JsonProperty("block_cache_bytes") long blockCacheBytes,
    @JsonProperty("bloom_bits_per_key") int bloomBitsPerKey,
    @JsonProperty("block_bytes") int blockBytes,
    @JsonProperty("compression") String compression,
    @JsonProperty("ppdb_engine") String ppdbEngine,
    @JsonProperty("memory_bytes") long memoryBytes,
    @JsonProperty("seed") long seed,
    @JsonProperty("workloads") List<String> workloads,
    @JsonProperty("settle_seconds_max") int settleSecondsMax,
    @JsonProperty("workload_seconds_max") int workloadSecondsMax) {

  /** Largest key count: the fillrandom permutation is an int array of this many entries. */
  public static final int numMax = 200_000_000;

  /** Keys are 15 decimal digits and a one-character suffix, so this is the only key size. */
  public static final int keyBytesFixed = 16;

  public static final int valueBytesMax = 1 << 20;

  public StorageSettings {
    requirePositive("num", num);
    if (num > numMax) {
      throw new IllegalArgumentException("num: " + num + " (expected: <= " + numMax + ")");
    }
    requirePositive("reads", reads);
    requirePositive("seeks", seeks);
    if (seekNexts < 0) {
      throw new IllegalArgumentException("seekNexts: " + seekNexts + " (expected: >= 0)");
    }
    requirePositive("syncOps", syncOps);
    requirePositive("syncThreads", syncThreads);
    if (keyBytes != keyBytesFixed) {
      throw new IllegalArgumentException(
          "keyBytes: " + keyBytes + " (expected: " + keyBytesFixed + ")");
    }
    requirePositive("valueBytes", valueBytes);
    if (valueBytes > valueBytesMax) {
      throw new IllegalArgumentException(
          "valueBytes: " + valueBytes + " (expected: <= " + valueBytesMax + ")");
    }
    requirePositive("memtableBytes", memtableBytes);
    requirePositive("blockCacheBytes", blockCacheBytes);
    if (bloomBitsPerKey < 0) {
      throw new IllegalArgumentException(
          "bloomBitsPerKey: " + bloomBitsPerKey + " (expected: >= 0)");
    }
    requirePositive("blockBytes", blockBytes);
    compression = compression.toLowerCase(Locale.ROOT);
    if (!compression.equals("none") && !compression.equals("lz4")) {
      throw new IllegalArgumentException(
          "compression: " + compression + " (expected: none or lz4)");
    }
    if (!ppdbEngine.equals("lsm") && !ppdbEngine.equals("memory")) {
      throw new IllegalArgumentException(
          "ppdbEngine: " + ppdbEngine + " (expected: lsm or memory)");
    }
    requirePositive("memoryBytes", memoryBytes);
    workloads = List.copyOf(workloads);
    if (workloads.isEmpty()) {
      throw new IllegalArgumentException("workloads: [] (expected: at least one)");
    }
    for (String name : workloads) {
      Workload.byName(name);
    }
    requirePositive("settleSecondsMax", settleSecondsMax);
    requirePositive("workloadSecondsMax", workloadSecondsMax);
  }

  /** Bytes a user writes per put: key and value. */
  public long entryBytes() {
    return (long) keyBytes + valueBytes;
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
