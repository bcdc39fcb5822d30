package org.ppdb.storage.memory;

import java.util.concurrent.Executor;
import org.ppdb.storage.StorageClock;
import org.ppdb.storage.StorageLimits;

/**
 * Configuration of the bounded in-memory engine ({@link MemoryStorage#open}): the memory limit, the
 * tombstone grace period, key and value limits, and the injected seams (executor, clock).
 * Immutable; build with {@link #builder()}; every field has a default (in the builder method's
 * Javadoc) and is validated by {@link Builder#build()}.
 */
public final class MemoryOptions {
  /** Default memory limit: 256 MiB. */
  public static final long MEMORY_BYTES_DEFAULT = 256L << 20;

  /** Smallest memory limit: 4 KiB (useful in tests; a real cache wants far more). */
  public static final long MEMORY_BYTES_MIN = 4L << 10;

  /** Largest memory limit: 1 TiB. */
  public static final long MEMORY_BYTES_MAX = 1L << 40;

  /**
   * Bytes charged per key on top of its key and value bytes: the JVM objects that hold an entry
   * (skip-list node and index, cache node and hash-table slot, key wrapper, chain, version, record,
   * two array headers). Measured at 304 bytes per entry on JDK 17 (64-bit, compressed pointers)
   * with 300,000 entries of 16-byte keys and 100-byte values; it makes a limit mean what it says.
   */
  public static final int ENTRY_OVERHEAD_BYTES = 300;

  /**
   * Bytes charged per older version a key keeps for an open snapshot, on top of its value bytes
   * (version, record and value array header).
   */
  public static final int VERSION_OVERHEAD_BYTES = 96;

  private final long memoryBytes;
  private final long tombstoneGraceMillis;
  private final int keyBytesMax;
  private final int valueBytesMax;
  private final Executor executor;
  private final StorageClock clock;

  private MemoryOptions(Builder b) {
    memoryBytes = b.memoryBytes;
    tombstoneGraceMillis = b.tombstoneGraceMillis;
    keyBytesMax = b.keyBytesMax;
    valueBytesMax = b.valueBytesMax;
    executor = b.executor;
    clock = b.clock;
  }

  /** A builder holding every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static MemoryOptions defaults() {
    return builder().build();
  }

  /** A builder initialised from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.memoryBytes = memoryBytes;
    b.tombstoneGraceMillis = tombstoneGraceMillis;
    b.keyBytesMax = keyBytesMax;
    b.valueBytesMax = valueBytesMax;
    b.executor = executor;
    b.clock = clock;
    return b;
  }

  public long memoryBytes() {
    return memoryBytes;
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

  public Executor executor() {
    return executor;
  }

  public StorageClock clock() {
    return clock;
  }

  /** Mutable builder of {@link MemoryOptions}; not thread-safe. */
  public static final class Builder {
    private long memoryBytes = MEMORY_BYTES_DEFAULT;
    private long tombstoneGraceMillis = 10L * 24 * 3600 * 1000;
    private int keyBytesMax = StorageLimits.KEY_BYTES_MAX;
    private int valueBytesMax = StorageLimits.VALUE_BYTES_MAX;
    private Executor executor = Runnable::run;
    private StorageClock clock = StorageClock.system();

    private Builder() {}

    /**
     * The memory limit in bytes, keys, values and {@link #ENTRY_OVERHEAD_BYTES} per key counted
     * [256 MiB; 4 KiB..1 TiB]. When it is reached the least valuable entries are evicted
     * (W-TinyLFU: frequency and recency). Larger: more hits, more heap; the JVM's heap must hold it
     * with room to spare.
     */
    public Builder memoryBytes(long v) {
      memoryBytes = v;
      return this;
    }

    /**
     * How long a tombstone is kept after its delete, in milliseconds [10 days; >= 0]. While it is
     * kept, older writes of the key that arrive late (hinted handoff, repair) lose to it; after it
     * is purged they would resurrect the key. Must exceed the anti-entropy cycle. A tombstone is
     * never purged while a snapshot can see what it hides.
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

    /** Largest value accepted [16 MiB; 0..16 MiB]; an entry must also fit the memory limit. */
    public Builder valueBytesMax(int v) {
      valueBytesMax = v;
      return this;
    }

    /**
     * Executor of the cache's maintenance (eviction, expiry, listener calls) [a direct executor:
     * maintenance runs on the calling thread, amortized over reads and writes]. Never the common
     * pool: inject a bounded executor the owner controls, or keep the default.
     */
    public Builder executor(Executor v) {
      executor = v;
      return this;
    }

    /**
     * Wall clock (TTL, tombstone grace) and ticker (cache expiry) [{@link StorageClock#system()}].
     */
    public Builder clock(StorageClock v) {
      clock = v;
      return this;
    }

    /** Validates and builds. */
    public MemoryOptions build() {
      range("memoryBytes", memoryBytes, MEMORY_BYTES_MIN, MEMORY_BYTES_MAX);
      range("tombstoneGraceMillis", tombstoneGraceMillis, 0, Long.MAX_VALUE);
      range("keyBytesMax", keyBytesMax, 1, StorageLimits.KEY_BYTES_MAX);
      range("valueBytesMax", valueBytesMax, 0, StorageLimits.VALUE_BYTES_MAX);
      if (executor == null) {
        throw new NullPointerException("executor");
      }
      if (clock == null) {
        throw new NullPointerException("clock");
      }
      return new MemoryOptions(this);
    }

    private static void range(String name, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            name + ": " + v + " (expected: >= " + min + " and <= " + max + ")");
      }
    }
  }
}
