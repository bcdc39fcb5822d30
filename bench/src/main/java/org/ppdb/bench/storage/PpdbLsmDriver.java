package org.ppdb.bench.storage;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.ppdb.storage.Compression;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.StorageStats;
import org.ppdb.storage.SyncPolicy;

/**
 * ppdb's LSM engine ({@link LsmStorage}), configured from the benchmark's settings as RocksDB is:
 * the same memtable size with one immutable memtable (RocksDB's {@code max_write_buffer_number =
 * 2}), block cache bytes, bloom bits, block bytes and compression; WAL on with {@link
 * SyncPolicy#never()} (written to the OS on every write, synced on flush, like RocksDB's default
 * {@code sync = false}), or {@link SyncPolicy#always()} when the workload syncs every write. Level
 * sizes and L0 triggers are the engine's defaults, which match RocksDB's.
 *
 * <p>ppdb writes are versioned: the driver gives each put and delete the next number of a shared
 * counter, as a peer would give each write a new hybrid-logical-clock timestamp.
 */
final class PpdbLsmDriver implements EngineDriver {
  private final AtomicLong versions = new AtomicLong();
  private StorageEngine engine;

  @Override
  public String name() {
    return EngineDrivers.ppdb;
  }

  @Override
  public String description() {
    String version = LsmStorage.class.getPackage().getImplementationVersion();
    return "ppdb lsm" + (version == null ? "" : " " + version);
  }

  @Override
  public void open(Path directory, StorageSettings settings, boolean syncEveryWrite) {
    if (engine != null) {
      throw new IllegalStateException("ppdb: already open");
    }
    LsmOptions options =
        LsmOptions.builder()
            .memtableBytes(settings.memtableBytes())
            .immutableMemtablesMax(1)
            .syncPolicy(syncEveryWrite ? SyncPolicy.always() : SyncPolicy.never())
            .blockBytes(settings.blockBytes())
            .bloomBitsPerKey(settings.bloomBitsPerKey())
            .compression(settings.compression().equals("lz4") ? Compression.LZ4 : Compression.NONE)
            .blockCacheBytes(settings.blockCacheBytes())
            .build();
    engine = LsmStorage.open(directory, options);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    engine.put(key, value, versions.incrementAndGet());
  }

  @Override
  public byte[] get(byte[] key) {
    return engine.get(key);
  }

  @Override
  public void delete(byte[] key) {
    engine.delete(key, versions.incrementAndGet());
  }

  @Override
  public long seek(byte[] key, int entries) {
    long bytes = 0;
    try (Snapshot snapshot = engine.snapshot();
        Cursor cursor = snapshot.scan(key, null, Direction.FORWARD)) {
      for (int i = 0; i < entries && cursor.next(); i++) {
        bytes += cursor.key().length + cursor.value().length;
      }
    }
    return bytes;
  }

  @Override
  public long scan(EntryCounter onEntry) {
    long entries = 0;
    try (Snapshot snapshot = engine.snapshot();
        Cursor cursor = snapshot.scan(null, null, Direction.FORWARD)) {
      while (cursor.next()) {
        onEntry.onEntry(cursor.key().length, cursor.value().length);
        entries++;
      }
    }
    return entries;
  }

  @Override
  public void flush() {
    engine.flush();
  }

  @Override
  public boolean backgroundWorkPending() {
    StorageStats stats = engine.stats();
    for (StorageStats.LevelStats level : stats.levels()) {
      if (level.score() >= 1.0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public java.util.Map<String, Object> engineStats() {
    StorageStats stats = engine.stats();
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("write_amplification", stats.writeAmplification());
    out.put("write_amplification_without_wal", stats.writeAmplificationWithoutWal());
    out.put("space_amplification", stats.spaceAmplification());
    out.put("user_bytes_written", stats.userBytesWritten());
    out.put("wal_bytes_written", stats.walBytesWritten());
    out.put("flush_bytes_written", stats.flushBytesWritten());
    out.put("compaction_bytes_written", stats.compactionBytesWritten());
    out.put("live_bytes", stats.liveBytes());
    out.put("stall_nanos", stats.stallNanos());
    out.put("stall_count", stats.stallCount());
    out.put("flushes", stats.flushes());
    out.put("compactions", stats.compactions());
    out.put("block_cache_hit_rate", stats.blockCache().hitRate());
    java.util.List<String> levels = new java.util.ArrayList<>();
    for (StorageStats.LevelStats level : stats.levels()) {
      levels.add(
          "L" + level.level() + ": " + level.files() + " files, " + level.bytes() + " bytes");
    }
    out.put("levels", levels);
    return out;
  }

  @Override
  public void close() {
    if (engine != null) {
      StorageEngine closing = engine;
      engine = null;
      closing.close();
    }
  }
}
