package org.ppdb.bench.storage;

import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The anchor: RocksDB through its Java binding (rocksdbjni), configured from the benchmark's
 * settings and otherwise left at RocksDB's defaults (leveled compaction with dynamic level sizes,
 * two memtables, block-based tables with the index and filters held outside the block cache).
 *
 * <p>Settings mapped: memtable bytes to {@code write_buffer_size}; block cache bytes to an {@code
 * LRUCache}; bloom bits to a full bloom filter; block bytes to {@code block_size}; compression to
 * {@code compression} on every level; background jobs to the core count, at least 2; WAL on; {@code
 * sync} per write only when the workload syncs. Reads use the idiomatic calls ({@code get(byte[])},
 * an iterator per seek) that allocate their results, as a Java caller would.
 */
final class RocksDbDriver implements EngineDriver {
  private LRUCache cache;
  private BloomFilter filter;
  private Options options;
  private WriteOptions writeOptions;
  private ReadOptions readOptions;
  private FlushOptions flushOptions;
  private RocksDB db;

  @Override
  public String name() {
    return "rocksdb";
  }

  @Override
  public String description() {
    RocksDB.loadLibrary();
    return "rocksdb " + RocksDB.rocksdbVersion() + " (rocksdbjni)";
  }

  @Override
  public void open(Path directory, StorageSettings settings, boolean syncEveryWrite)
      throws Exception {
    if (db != null) {
      throw new IllegalStateException("rocksdb: already open");
    }
    RocksDB.loadLibrary();
    cache = new LRUCache(settings.blockCacheBytes());
    filter = new BloomFilter(settings.bloomBitsPerKey(), false);
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(cache)
            .setFilterPolicy(filter)
            .setBlockSize(settings.blockBytes());
    CompressionType compression =
        settings.compression().equals("lz4")
            ? CompressionType.LZ4_COMPRESSION
            : CompressionType.NO_COMPRESSION;
    options =
        new Options()
            .setCreateIfMissing(true)
            .setWriteBufferSize(settings.memtableBytes())
            .setMaxWriteBufferNumber(2)
            .setMaxBackgroundJobs(Math.max(2, Runtime.getRuntime().availableProcessors()))
            .setCompressionType(compression)
            .setTableFormatConfig(table);
    writeOptions = new WriteOptions().setSync(syncEveryWrite).setDisableWAL(false);
    readOptions = new ReadOptions();
    flushOptions = new FlushOptions().setWaitForFlush(true);
    db = RocksDB.open(options, directory.toString());
  }

  @Override
  public void put(byte[] key, byte[] value) throws Exception {
    db.put(writeOptions, key, value);
  }

  @Override
  public byte[] get(byte[] key) throws Exception {
    return db.get(readOptions, key);
  }

  @Override
  public void delete(byte[] key) throws Exception {
    db.delete(writeOptions, key);
  }

  @Override
  public long seek(byte[] key, int entries) {
    long bytes = 0;
    try (RocksIterator iterator = db.newIterator(readOptions)) {
      iterator.seek(key);
      for (int i = 0; i < entries && iterator.isValid(); i++) {
        bytes += iterator.key().length + iterator.value().length;
        iterator.next();
      }
    }
    return bytes;
  }

  @Override
  public long scan(EntryCounter onEntry) throws Exception {
    long entries = 0;
    try (RocksIterator iterator = db.newIterator(readOptions)) {
      for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
        onEntry.onEntry(iterator.key().length, iterator.value().length);
        entries++;
      }
      iterator.status();
    }
    return entries;
  }

  @Override
  public void flush() throws Exception {
    db.flush(flushOptions);
  }

  @Override
  public boolean backgroundWorkPending() throws Exception {
    return db.getLongProperty("rocksdb.num-running-flushes") > 0
        || db.getLongProperty("rocksdb.num-running-compactions") > 0
        || db.getLongProperty("rocksdb.mem-table-flush-pending") > 0
        || db.getLongProperty("rocksdb.compaction-pending") > 0;
  }

  @Override
  public java.util.Map<String, Object> engineStats() throws Exception {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (String property :
        new String[] {
          "rocksdb.estimate-num-keys",
          "rocksdb.total-sst-files-size",
          "rocksdb.live-sst-files-size",
          "rocksdb.num-immutable-mem-table",
          "rocksdb.actual-delayed-write-rate",
          "rocksdb.block-cache-usage"
        }) {
      out.put(property, db.getLongProperty(property));
    }
    java.util.List<String> levels = new java.util.ArrayList<>();
    for (int level = 0; level < 7; level++) {
      levels.add(
          "L" + level + ": " + db.getProperty("rocksdb.num-files-at-level" + level) + " files");
    }
    out.put("levels", levels);
    return out;
  }

  @Override
  public void close() {
    if (db != null) {
      db.close();
      db = null;
    }
    for (AutoCloseable resource :
        new AutoCloseable[] {flushOptions, readOptions, writeOptions, options, filter, cache}) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          throw new IllegalStateException("rocksdb: closing " + resource, e);
        }
      }
    }
    flushOptions = null;
    readOptions = null;
    writeOptions = null;
    options = null;
    filter = null;
    cache = null;
  }
}
