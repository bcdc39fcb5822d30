package org.ppdb.peer;

import java.util.Locale;
import java.util.Objects;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.replication.DataConfig;
import org.ppdb.peer.ring.RingMetadata;
import org.ppdb.storage.Compression;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.memory.MemoryOptions;

/**
 * How a peer stores and serves data (defaults in brackets; each is a {@code ppdb peer} option).
 *
 * @param replicationFactor N, replicas per key [3] ({@code --replication-factor})
 * @param tokens virtual nodes per peer [32] ({@code --tokens})
 * @param consistency default level of client connections, for reads and writes [QUORUM] ({@code
 *     --consistency}); a connection changes it with {@code PPDB.CONSISTENCY}
 * @param storage the local engine [LSM] ({@code --storage lsm|memory})
 * @param maxMemoryBytes bound of the in-memory engine [256 MiB] ({@code --max-memory})
 * @param walSync when the LSM engine syncs its log [PERIODIC] ({@code --wal-sync})
 * @param walSyncPeriodMillis the period of {@link WalSync#PERIODIC} [1000]
 * @param compression block compression of the LSM engine's tables [NONE] ({@code --compression
 *     none|lz4}). A peer serves small reads from tables it maps into memory: an uncompressed block
 *     is read in place from the page cache, while a compressed one is decompressed into a block
 *     cache on the heap and looked up there on every read. Measured on one peer under
 *     redis-benchmark (100-byte values): about 30% less CPU per pipelined GET and 13% per plain GET
 *     without compression. LZ4 takes less disk (by the values' redundancy) and fewer bytes of
 *     flushes and compactions; choose it when disk, not CPU, is short. Tables written with either
 *     are read whatever the setting.
 * @param memtableBytes the LSM engine's write buffer, flushed to a table when full [16 MiB] ({@code
 *     --memtable-size}). Every write descends the buffer's skip list, a chain of cache misses that
 *     grows with its size: on one peer under redis-benchmark (1M random keys, alternated runs), 16
 *     MiB took 5.7-7.3 us of CPU per pipelined SET against 8.9-10.2 at 64 MiB (the embedded
 *     engine's default), background flushes and compactions included. A larger buffer writes fewer,
 *     larger level-0 tables (less compaction) and costs heap.
 * @param clientBind address of the client port, or null for Redis' protected mode (loopback only
 *     unless a password is set) ({@code --client-bind})
 * @param clientPort the Redis-protocol port [6379]; 0 picks a free one; -1 serves no clients
 * @param requirePass the password clients must AUTH with, or null ({@code --requirepass})
 */
public record DataSettings(
    int replicationFactor,
    int tokens,
    Consistency consistency,
    StorageKind storage,
    long maxMemoryBytes,
    WalSync walSync,
    long walSyncPeriodMillis,
    Compression compression,
    long memtableBytes,
    String clientBind,
    int clientPort,
    String requirePass) {

  /** Default {@code memtableBytes}; see there why it is below the embedded engine's. */
  public static final long MEMTABLE_BYTES_DEFAULT = 16L << 20;

  /** Smallest and largest {@code memtableBytes}. */
  public static final long MEMTABLE_BYTES_MIN = 1L << 20;

  public static final long MEMTABLE_BYTES_MAX = 1L << 30;

  /** Default client (Redis protocol) port: Redis' own, so clients work unchanged. */
  public static final int CLIENT_PORT_DEFAULT = 6379;

  /** The local engine. */
  public enum StorageKind {
    /** The LSM engine: durable, bounded by disk. */
    LSM,
    /** The bounded in-memory engine: evicts when full, loses everything on restart. */
    MEMORY;

    /** Parses {@code lsm} or {@code memory}, case-insensitively. */
    public static StorageKind parse(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "lsm" -> LSM;
        case "memory" -> MEMORY;
        default ->
            throw new IllegalArgumentException("storage: '" + text + "' (expected: lsm or memory)");
      };
    }
  }

  /** When the LSM engine's write-ahead log reaches the disk. */
  public enum WalSync {
    /** Every write is synced before it is acknowledged (group commit). */
    ALWAYS,
    /** Synced every {@code walSyncPeriodMillis}; a crash of the machine loses at most that. */
    PERIODIC,
    /** Left to the operating system. */
    NEVER;

    /** Parses {@code always}, {@code periodic} or {@code never}, case-insensitively. */
    public static WalSync parse(String text) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "always" -> ALWAYS;
        case "periodic" -> PERIODIC;
        case "never" -> NEVER;
        default ->
            throw new IllegalArgumentException(
                "wal-sync: '" + text + "' (expected: always, periodic or never)");
      };
    }
  }

  public DataSettings {
    if (replicationFactor < 1 || replicationFactor > 15) {
      throw new IllegalArgumentException(
          "replicationFactor: " + replicationFactor + " (expected: 1..15)");
    }
    if (tokens < 1 || tokens > RingMetadata.TOKENS_MAX) {
      throw new IllegalArgumentException(
          "tokens: " + tokens + " (expected: 1.." + RingMetadata.TOKENS_MAX + ")");
    }
    Objects.requireNonNull(consistency, "consistency");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(walSync, "walSync");
    Objects.requireNonNull(compression, "compression");
    if (maxMemoryBytes < MemoryOptions.MEMORY_BYTES_MIN
        || maxMemoryBytes > MemoryOptions.MEMORY_BYTES_MAX) {
      throw new IllegalArgumentException(
          "maxMemoryBytes: "
              + maxMemoryBytes
              + " (expected: "
              + MemoryOptions.MEMORY_BYTES_MIN
              + ".."
              + MemoryOptions.MEMORY_BYTES_MAX
              + ")");
    }
    if (walSyncPeriodMillis < 1 || walSyncPeriodMillis > 60_000) {
      throw new IllegalArgumentException(
          "walSyncPeriodMillis: " + walSyncPeriodMillis + " (expected: 1..60000)");
    }
    if (memtableBytes < MEMTABLE_BYTES_MIN || memtableBytes > MEMTABLE_BYTES_MAX) {
      throw new IllegalArgumentException(
          "memtableBytes: "
              + memtableBytes
              + " (expected: "
              + MEMTABLE_BYTES_MIN
              + ".."
              + MEMTABLE_BYTES_MAX
              + ")");
    }
    if (clientPort < -1 || clientPort > 65_535) {
      throw new IllegalArgumentException(
          "clientPort: " + clientPort + " (expected: -1 for none, or 0..65535)");
    }
    if (requirePass != null && requirePass.isEmpty()) {
      requirePass = null;
    }
  }

  /** The defaults, as documented on each field. */
  public static DataSettings defaults() {
    return new DataSettings(
        DataConfig.REPLICATION_FACTOR_DEFAULT,
        DataConfig.TOKENS_PER_MEMBER_DEFAULT,
        Consistency.QUORUM,
        StorageKind.LSM,
        MemoryOptions.MEMORY_BYTES_DEFAULT,
        WalSync.PERIODIC,
        1_000,
        Compression.NONE,
        MEMTABLE_BYTES_DEFAULT,
        null,
        CLIENT_PORT_DEFAULT,
        null);
  }

  /** Parses {@code none} or {@code lz4}, case-insensitively. */
  public static Compression parseCompression(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "none" -> Compression.NONE;
      case "lz4" -> Compression.LZ4;
      default ->
          throw new IllegalArgumentException("compression: '" + text + "' (expected: none or lz4)");
    };
  }

  /** The LSM engine's sync policy. */
  SyncPolicy syncPolicy() {
    return switch (walSync) {
      case ALWAYS -> SyncPolicy.always();
      case PERIODIC -> SyncPolicy.everyMillis(walSyncPeriodMillis);
      case NEVER -> SyncPolicy.never();
    };
  }

  /**
   * Parses a size: bytes, or a number with a unit {@code KiB MiB GiB} ({@code KB MB GB} and {@code
   * k m g} mean the same binary units, as in Redis' maxmemory).
   */
  public static long parseSize(String text) {
    String t = text.strip();
    int split = 0;
    while (split < t.length() && (Character.isDigit(t.charAt(split)) || t.charAt(split) == '.')) {
      split++;
    }
    if (split == 0) {
      throw new IllegalArgumentException("size: '" + text + "' (expected: e.g. 268435456, 256MiB)");
    }
    double number = Double.parseDouble(t.substring(0, split));
    long unit =
        switch (t.substring(split).strip().toLowerCase(Locale.ROOT)) {
          case "", "b" -> 1L;
          case "k", "kb", "kib" -> 1L << 10;
          case "m", "mb", "mib" -> 1L << 20;
          case "g", "gb", "gib" -> 1L << 30;
          case "t", "tb", "tib" -> 1L << 40;
          default ->
              throw new IllegalArgumentException(
                  "size: '" + text + "' (expected a unit of B, KiB, MiB, GiB or TiB)");
        };
    return (long) (number * unit);
  }
}
