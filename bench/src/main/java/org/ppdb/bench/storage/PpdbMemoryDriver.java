package org.ppdb.bench.storage;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.memory.MemoryOptions;
import org.ppdb.storage.memory.MemoryStorage;

/**
 * ppdb's bounded in-memory engine ({@link MemoryStorage}) under the same workloads, selected with
 * {@code --ppdb-engine memory}: no WAL and no files, so it is compared with a durable RocksDB only
 * to show what the cache role costs and saves. Its memory limit is {@code --memory-mib}; an
 * eviction shows up as a readrandom that did not find every key. Writes are versioned from a shared
 * counter, as in {@link PpdbLsmDriver}. The engine is discarded at close, so every open starts
 * empty.
 */
final class PpdbMemoryDriver implements EngineDriver {
  private final AtomicLong versions = new AtomicLong();
  private StorageEngine engine;

  @Override
  public String name() {
    return EngineDrivers.ppdb;
  }

  @Override
  public String description() {
    return "ppdb memory";
  }

  @Override
  public void open(Path directory, StorageSettings settings, boolean syncEveryWrite) {
    if (engine != null) {
      throw new IllegalStateException("ppdb memory: already open");
    }
    engine =
        MemoryStorage.open(MemoryOptions.builder().memoryBytes(settings.memoryBytes()).build());
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
    return false;
  }

  @Override
  public java.util.Map<String, Object> engineStats() {
    org.ppdb.storage.StorageStats stats = engine.stats();
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("memory_bytes", stats.memtableBytes());
    out.put("entries", stats.entriesApprox());
    out.put("evictions", stats.evictions());
    out.put("lookup_hit_rate", stats.blockCache().hitRate());
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
