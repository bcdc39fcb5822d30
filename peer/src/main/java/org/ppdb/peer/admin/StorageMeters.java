package org.ppdb.peer.admin;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.ppdb.storage.StorageStats;

/**
 * The local storage engine's statistics as meters ({@code ppdb_storage_*} at {@code /metrics}):
 * bytes written by kind (user, log, flush, compaction), files and bytes per LSM level, memtable and
 * live bytes, cache hits, misses and evictions, write stalls, the in-memory engine's evictions, and
 * whether the engine went read-only.
 *
 * <p>Cost: one {@link StorageStats} snapshot serves every meter of a scrape: it is taken on the
 * first read and reused for {@link #SNAPSHOT_MAX_AGE_NANOS}, so a scrape costs one {@code stats()}
 * call (which takes the engine's lock briefly), not one per meter. Thread-safe.
 */
public final class StorageMeters {
  /** How long a statistics snapshot serves meters before the next read takes a new one. */
  static final long SNAPSHOT_MAX_AGE_NANOS = 1_000_000_000L;

  /** Levels given meters of their own; an engine with more levels shows only these. */
  static final int LEVELS_MAX = 8;

  private final Supplier<StorageStats> source;
  private final LongSupplier nanoTime;
  private StorageStats snapshot;
  private long takenAtNanos;

  private StorageMeters(Supplier<StorageStats> source, LongSupplier nanoTime) {
    this.source = source;
    this.nanoTime = nanoTime;
  }

  /**
   * Registers the storage meters in {@code registry}, read from {@code stats} (the engine's {@code
   * stats()}); {@code nanoTime} is the clock of the snapshot's age. Micrometer holds a function
   * meter's object weakly: keep the returned instance referenced as long as the meters should read,
   * or they read NaN and 0 after the next garbage collection.
   */
  public static StorageMeters bind(
      MeterRegistry registry, Supplier<StorageStats> stats, LongSupplier nanoTime) {
    Objects.requireNonNull(registry, "registry");
    StorageMeters m =
        new StorageMeters(
            Objects.requireNonNull(stats, "stats"), Objects.requireNonNull(nanoTime, "nanoTime"));
    m.written(registry, "user", StorageStats::userBytesWritten);
    m.written(registry, "wal", StorageStats::walBytesWritten);
    m.written(registry, "flush", StorageStats::flushBytesWritten);
    m.written(registry, "compaction", StorageStats::compactionBytesWritten);
    m.counter(
        registry,
        "ppdb.storage.compaction.read.bytes",
        "Bytes compactions read",
        StorageStats::compactionBytesRead);
    m.counter(registry, "ppdb.storage.flushes", "Memtable flushes", StorageStats::flushes);
    m.counter(registry, "ppdb.storage.compactions", "Compactions", StorageStats::compactions);
    m.counter(
        registry,
        "ppdb.storage.stalls",
        "Writes that waited for flushes or compactions",
        StorageStats::stallCount);
    m.counter(
        registry,
        "ppdb.storage.stall.seconds",
        "Time writers waited for flushes or compactions",
        s -> s.stallNanos() / 1e9);
    m.counter(
        registry,
        "ppdb.storage.evictions",
        "Entries the in-memory engine evicted because it was full",
        StorageStats::evictions);
    m.gauge(registry, "ppdb.storage.memtable.bytes", "Memtable bytes", s -> s.memtableBytes());
    m.gauge(registry, "ppdb.storage.live.bytes", "Bytes of live table files", s -> s.liveBytes());
    m.gauge(
        registry,
        "ppdb.storage.read.only",
        "1 when the engine refuses writes after a failed write or sync",
        s -> s.readOnly() ? 1 : 0);
    m.cache(registry, "block", StorageStats::blockCache);
    m.cache(registry, "table", StorageStats::tableCache);
    for (int level = 0; level < LEVELS_MAX; level++) {
      int l = level;
      Gauge.builder("ppdb.storage.level.files", m, x -> x.level(l).files())
          .description("Table files in an LSM level")
          .tag("level", Integer.toString(level))
          .register(registry);
      Gauge.builder("ppdb.storage.level.bytes", m, x -> x.level(l).bytes())
          .description("Bytes of the table files in an LSM level")
          .tag("level", Integer.toString(level))
          .register(registry);
    }
    return m;
  }

  /** The current snapshot, taken anew when older than {@link #SNAPSHOT_MAX_AGE_NANOS}. */
  synchronized StorageStats stats() {
    long now = nanoTime.getAsLong();
    if (snapshot == null || now - takenAtNanos >= SNAPSHOT_MAX_AGE_NANOS) {
      snapshot = source.get();
      takenAtNanos = now;
    }
    return snapshot;
  }

  private StorageStats.LevelStats level(int level) {
    StorageStats s = stats();
    return level < s.levels().size()
        ? s.levels().get(level)
        : new StorageStats.LevelStats(level, 0, 0, 0);
  }

  private void written(
      MeterRegistry registry, String kind, java.util.function.ToLongFunction<StorageStats> field) {
    FunctionCounter.builder("ppdb.storage.written.bytes", this, m -> field.applyAsLong(m.stats()))
        .description("Bytes written: by callers (user), to the log, by flushes, by compactions")
        .tag("kind", kind)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<StorageStats> field) {
    FunctionCounter.builder(name, this, m -> field.applyAsDouble(m.stats()))
        .description(description)
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<StorageStats> field) {
    Gauge.builder(name, this, m -> field.applyAsDouble(m.stats()))
        .description(description)
        .register(registry);
  }

  private void cache(
      MeterRegistry registry,
      String cache,
      java.util.function.Function<StorageStats, StorageStats.CacheStats> which) {
    FunctionCounter.builder("ppdb.storage.cache.hits", this, m -> which.apply(m.stats()).hits())
        .description("Cache lookups served from the cache")
        .tag("cache", cache)
        .register(registry);
    FunctionCounter.builder("ppdb.storage.cache.misses", this, m -> which.apply(m.stats()).misses())
        .description("Cache lookups that loaded")
        .tag("cache", cache)
        .register(registry);
    FunctionCounter.builder(
            "ppdb.storage.cache.evictions", this, m -> which.apply(m.stats()).evictions())
        .description("Cache entries evicted for size")
        .tag("cache", cache)
        .register(registry);
  }
}
