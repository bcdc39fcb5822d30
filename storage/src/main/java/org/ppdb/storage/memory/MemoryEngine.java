package org.ppdb.storage.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;
import org.ppdb.storage.LimitExceededException;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageClock;
import org.ppdb.storage.StorageClosedException;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.StorageLimits;
import org.ppdb.storage.StorageStats;
import org.ppdb.storage.VerifyReport;
import org.ppdb.storage.WriteBatch;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.memory.Chain.Version;

/**
 * The bounded in-memory engine: versioned last-writer-wins records in memory, evicted by W-TinyLFU
 * when a byte limit is reached.
 *
 * <h2>Design</h2>
 *
 * Two maps hold the same immutable {@link Chain} per key. A Caffeine cache [1] is the authority on
 * membership: it weighs each chain by its bytes (key, values and a measured per-key and per-version
 * overhead), evicts by W-TinyLFU [2] when the weight exceeds the limit, and expires chains whose
 * newest record is a put past its TTL or a tombstone past its grace period (variable expiry on a
 * timer wheel, driven by the injected clock's ticker). A {@link ConcurrentSkipListMap} in key order
 * serves range scans. The two are kept equal per key without a lock of their own: every write
 * replaces the chain inside the cache's atomic {@code compute} for that key and updates the skip
 * list there, and the cache's eviction listener, which runs inside the atomic removal, takes the
 * chain out of the skip list ({@code remove(key, chain)}, so a newer chain is never removed by a
 * late listener).
 *
 * <p>Versions follow {@link StorageEngine}: per key the highest version wins, ties broken by
 * content ({@link InternalKeys#beats}), deletes are tombstones, and a write that loses changes
 * nothing. Writes take the write side of a {@link StampedLock} and get a sequence number; a batch
 * applies all its operations under one lock hold and one sequence number. Point reads are
 * optimistic: they read the cache and validate the lock's stamp, so they never see half a batch,
 * and fall back to the read lock only when a write overlapped. A snapshot is a sequence number
 * registered while writers are excluded; a write keeps, behind the new winner, exactly the older
 * versions that some open snapshot sees (at most one per open snapshot), so a snapshot reads the
 * state as of its sequence number by walking the chain. Ideas from LevelDB's sequence-numbered
 * snapshots [3] and multiversion concurrency control in general [4].
 *
 * <h2>What a cache gives up</h2>
 *
 * <ul>
 *   <li>An evicted key is gone from every view, snapshots included, and with it its version: a
 *       later write with a lower version is accepted. A new entry may be evicted at once when the
 *       admission policy judges it colder than what it would displace.
 *   <li>Expired puts are invisible from their expiry on (clock wall time) and are purged at that
 *       time (reads treat them as gone from that instant; the cache's timer wheel frees their
 *       memory within about a second); tombstones are purged after the grace period. A chain that
 *       still keeps older versions for a snapshot is not purged, so a snapshot keeps seeing what a
 *       tombstone hides; {@link #compactRange} drops history no snapshot needs and purges what is
 *       then due.
 *   <li>There are no files: {@link #flush} only runs cache maintenance, {@link #checkpoint} is
 *       unsupported, {@link #verify} checks the in-memory invariants.
 * </ul>
 *
 * <h2>Cost and threading</h2>
 *
 * Every method is thread-safe. Writes are serialized (one skip-list insert and one cache update
 * each, O(log n)); point reads are lock-free, O(1) in the cache; a scan costs O(log n) to start and
 * O(1) per entry; with s snapshots open a write costs O(s) more. Cache maintenance runs on the
 * injected executor (by default on the calling thread, amortized). {@link #stats()} reports the
 * weighted size as {@code memtableBytes}, evictions for size as {@code evictions}, and the engine's
 * own point lookups (hit = a record was found) as {@code blockCache}.
 *
 * <p>References: [1] B. Manes, Caffeine, github.com/ben-manes/caffeine. [2] G. Einziger, R.
 * Friedman, B. Manes, "TinyLFU: A Highly Efficient Cache Admission Policy", ACM TOS 2017. [3]
 * LevelDB, doc/impl.md ("Snapshots"). [4] P. Bernstein, N. Goodman, "Multiversion Concurrency
 * Control", ACM TODS 1983.
 */
final class MemoryEngine implements StorageEngine {
  private final MemoryOptions options;
  private final StorageClock clock;
  private final StampedLock lock = new StampedLock();
  private final ConcurrentSkipListMap<ByteKey, Chain> index = new ConcurrentSkipListMap<>();
  private final Cache<ByteKey, Chain> cache;

  /** Open snapshots: sequence number to the number of snapshots open at it. */
  private final ConcurrentSkipListMap<Long, Integer> openSnapshots = new ConcurrentSkipListMap<>();

  private final LongAdder evictions = new LongAdder();
  private final LongAdder purges = new LongAdder();
  private final LongAdder userBytesWritten = new LongAdder();
  private final LongAdder lookupHits = new LongAdder();
  private final LongAdder lookupMisses = new LongAdder();

  /** The sequence number of the last write; guarded by the write lock. */
  private long sequence;

  private volatile boolean closed;

  MemoryEngine(MemoryOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = options.clock();
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(options.memoryBytes())
            .<ByteKey, Chain>weigher((key, chain) -> chain.weight())
            .expireAfter(new ChainExpiry())
            .ticker(clock::nanoTime)
            .executor(options.executor())
            .evictionListener(this::onEvicted)
            .build();
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(byte[] key, byte[] value, long version, long expiresAtMillis) {
    checkOpen();
    checkPut(key, value, expiresAtMillis);
    Record record = Record.put(value.clone(), version, expiresAtMillis);
    byte[] ownKey = key.clone();
    long stamp = lock.writeLock();
    try {
      checkOpen();
      apply(ownKey, record, ++sequence);
    } finally {
      lock.unlockWrite(stamp);
    }
    userBytesWritten.add((long) key.length + value.length);
  }

  @Override
  public void delete(byte[] key, long version) {
    checkOpen();
    checkDelete(key);
    byte[] ownKey = key.clone();
    long stamp = lock.writeLock();
    try {
      checkOpen();
      apply(ownKey, Record.tombstone(version), ++sequence);
    } finally {
      lock.unlockWrite(stamp);
    }
    userBytesWritten.add(key.length);
  }

  @Override
  public void write(WriteBatch batch) {
    checkOpen();
    Objects.requireNonNull(batch, "batch");
    if (batch.isEmpty()) {
      return;
    }
    List<byte[]> keys = new ArrayList<>(batch.count());
    List<Record> records = new ArrayList<>(batch.count());
    long[] bytes = new long[1];
    // Decoding copies every key and value, so the engine owns them; limits are checked before any
    // operation applies, so a batch is refused whole.
    batch.forEach(
        new WriteBatch.Handler() {
          @Override
          public void put(byte[] key, byte[] value, long version, long expiresAtMillis) {
            checkPut(key, value, expiresAtMillis);
            keys.add(key);
            records.add(Record.put(value, version, expiresAtMillis));
            bytes[0] += key.length + value.length;
          }

          @Override
          public void delete(byte[] key, long version) {
            checkDelete(key);
            keys.add(key);
            records.add(Record.tombstone(version));
            bytes[0] += key.length;
          }
        });
    long stamp = lock.writeLock();
    try {
      checkOpen();
      long seq = ++sequence;
      for (int i = 0; i < keys.size(); i++) {
        apply(keys.get(i), records.get(i), seq);
      }
    } finally {
      lock.unlockWrite(stamp);
    }
    userBytesWritten.add(bytes[0]);
  }

  /**
   * Installs {@code record} for {@code key} at {@code seq} if it wins. Caller holds the write lock.
   */
  private void apply(byte[] key, Record record, long seq) {
    ByteKey k = new ByteKey(key);
    long nowNanos = clock.nanoTime();
    long purgeAt = purgeAtNanos(record, nowNanos, clock.epochMillis());
    cache
        .asMap()
        .compute(
            k,
            (ignored, old) -> {
              Chain current = old == null || old.purgedAt(nowNanos) ? null : old;
              if (current != null && !beats(record, current.head().record())) {
                return old; // an older or equal write: the state does not change
              }
              Version previous = current == null ? null : current.head();
              if (previous != null && previous.seq() == seq) {
                previous = previous.older(); // same batch: the earlier operation was never visible
              }
              Version head = new Version(seq, record, purgeAt, retainedFor(previous, seq));
              Chain chain = Chain.of(k.bytes, head);
              index.put(k, chain);
              return chain;
            });
  }

  /**
   * The versions of {@code versions} (newest first) that an open snapshot older than {@code
   * newerSeq} sees, relinked: for each such snapshot, the newest version at or below its sequence
   * number. Caller holds the write lock, so no snapshot older than {@code newerSeq} can appear
   * meanwhile.
   */
  private Version retainedFor(Version versions, long newerSeq) {
    if (versions == null) {
      return null;
    }
    NavigableMap<Long, Integer> older = openSnapshots.headMap(newerSeq, false);
    if (older.isEmpty()) {
      return null;
    }
    List<Version> keep = new ArrayList<>();
    Version v = versions;
    for (long snapshotSeq : older.descendingKeySet()) {
      while (v != null && v.seq() > snapshotSeq) {
        v = v.older();
      }
      if (v == null) {
        break;
      }
      if (keep.isEmpty() || keep.get(keep.size() - 1) != v) {
        keep.add(v);
      }
    }
    Version relinked = null;
    for (int i = keep.size() - 1; i >= 0; i--) {
      Version k = keep.get(i);
      relinked = new Version(k.seq(), k.record(), k.purgeAtNanos(), relinked);
    }
    return relinked;
  }

  private long purgeAtNanos(Record record, long nowNanos, long nowMillis) {
    long delayMillis;
    if (record.tombstone()) {
      delayMillis = options.tombstoneGraceMillis();
    } else if (record.expiresAtMillis() != 0) {
      delayMillis = Math.max(0, record.expiresAtMillis() - nowMillis);
    } else {
      return Chain.NEVER;
    }
    long delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis); // saturates
    long at = nowNanos + delayNanos;
    // Overflow (a grace of "forever"): never purge.
    return delayNanos == Long.MAX_VALUE || at < nowNanos ? Chain.NEVER : at;
  }

  private static boolean beats(Record a, Record b) {
    return InternalKeys.beats(
        a.version(),
        kind(a),
        a.expiresAtMillis(),
        a.value(),
        0,
        a.value() == null ? 0 : a.value().length,
        b.version(),
        kind(b),
        b.expiresAtMillis(),
        b.value(),
        0,
        b.value() == null ? 0 : b.value().length);
  }

  private static int kind(Record r) {
    if (r.tombstone()) {
      return InternalKeys.KIND_TOMBSTONE;
    }
    return r.expiresAtMillis() == 0 ? InternalKeys.KIND_PUT : InternalKeys.KIND_PUT_EXPIRING;
  }

  private void checkPut(byte[] key, byte[] value, long expiresAtMillis) {
    StorageLimits.checkKey(key, options.keyBytesMax());
    StorageLimits.checkValue(value, options.valueBytesMax());
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
    checkFits((long) key.length + value.length);
  }

  private void checkDelete(byte[] key) {
    StorageLimits.checkKey(key, options.keyBytesMax());
    checkFits(key.length);
  }

  private void checkFits(long bytes) {
    long entryBytes = bytes + MemoryOptions.ENTRY_OVERHEAD_BYTES;
    if (entryBytes > options.memoryBytes()) {
      throw new LimitExceededException(
          "entryBytes: "
              + entryBytes
              + " (expected: <= memoryBytes "
              + options.memoryBytes()
              + ", with "
              + MemoryOptions.ENTRY_OVERHEAD_BYTES
              + " bytes of overhead per entry)");
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public byte[] get(byte[] key) {
    Record record = latest(key);
    return record != null && record.isLive(clock.epochMillis()) ? record.value().clone() : null;
  }

  @Override
  public Record getRecord(byte[] key) {
    return copy(latest(key));
  }

  /** The newest record of {@code key}, tombstones and expired puts included, or null. */
  private Record latest(byte[] key) {
    checkOpen();
    ByteKey k = new ByteKey(Objects.requireNonNull(key, "key"));
    // Optimistic: no lock unless a write overlapped, so a batch is seen whole or not at all.
    long stamp = lock.tryOptimisticRead();
    Chain chain = cache.getIfPresent(k); // through the cache, so that the read counts for TinyLFU
    if (!lock.validate(stamp)) {
      stamp = lock.readLock();
      try {
        chain = index.get(k);
      } finally {
        lock.unlockRead(stamp);
      }
    }
    if (chain == null || chain.purgedAt(clock.nanoTime())) {
      lookupMisses.increment();
      return null;
    }
    lookupHits.increment();
    return chain.head().record();
  }

  /** The record of {@code key} a snapshot at {@code seq} sees, or null. */
  Record recordAt(byte[] key, long seq) {
    checkOpen();
    Chain chain = index.get(new ByteKey(Objects.requireNonNull(key, "key")));
    if (chain == null || chain.purgedAt(clock.nanoTime())) {
      return null;
    }
    Version version = chain.at(seq);
    return version == null ? null : version.record();
  }

  /** The chains with keys in {@code [from, to)} ({@code null}: unbounded), in key order. */
  NavigableMap<ByteKey, Chain> range(byte[] fromInclusive, byte[] toExclusive) {
    ByteKey from = fromInclusive == null ? null : new ByteKey(fromInclusive.clone());
    ByteKey to = toExclusive == null ? null : new ByteKey(toExclusive.clone());
    if (from != null && to != null) {
      if (from.compareTo(to) >= 0) {
        return new ConcurrentSkipListMap<>();
      }
      return index.subMap(from, true, to, false);
    }
    if (from != null) {
      return index.tailMap(from, true);
    }
    if (to != null) {
      return index.headMap(to, false);
    }
    return index;
  }

  StorageClock clock() {
    return clock;
  }

  static Record copy(Record record) {
    if (record == null || record.tombstone()) {
      return record;
    }
    return Record.put(record.value().clone(), record.version(), record.expiresAtMillis());
  }

  // ---------------------------------------------------------------- snapshots

  @Override
  public Snapshot snapshot() {
    checkOpen();
    long stamp = lock.readLock(); // excludes writers, so no write lands at or below seq later
    try {
      checkOpen();
      long seq = sequence;
      openSnapshots.merge(seq, 1, Integer::sum);
      return new MemorySnapshot(this, seq);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  void release(long seq) {
    openSnapshots.computeIfPresent(seq, (s, count) -> count == 1 ? null : count - 1);
  }

  // ---------------------------------------------------------------- maintenance

  /** Runs the cache's pending maintenance: evictions and expirations happen now. */
  @Override
  public void flush() {
    checkOpen();
    cache.cleanUp();
  }

  /**
   * For every key in the range: drops older versions that no open snapshot sees any more, and
   * purges the key if its newest record is then due (an expired put, a tombstone past its grace
   * period). O(keys in range) under the write lock.
   */
  @Override
  public void compactRange(byte[] fromInclusive, byte[] toExclusive) {
    checkOpen();
    long stamp = lock.writeLock();
    try {
      checkOpen();
      long nowNanos = clock.nanoTime();
      for (ByteKey k : range(fromInclusive, toExclusive).keySet()) {
        cache
            .asMap()
            .computeIfPresent(
                k,
                (key, chain) -> {
                  Version head = chain.head();
                  Version kept = retainedFor(head.older(), head.seq());
                  Chain compacted =
                      Chain.of(
                          key.bytes,
                          new Version(head.seq(), head.record(), head.purgeAtNanos(), kept));
                  if (compacted.purgedAt(nowNanos)) {
                    index.remove(key, chain);
                    purges.increment();
                    return null;
                  }
                  index.put(key, compacted);
                  return compacted;
                });
      }
    } finally {
      lock.unlockWrite(stamp);
    }
    cache.cleanUp();
  }

  @Override
  public void checkpoint(Path target) {
    throw new UnsupportedOperationException(
        "checkpoint: the in-memory engine has no files to copy (target " + target + ")");
  }

  /**
   * Checks the in-memory invariants: the skip list and the cache hold the same chain for every key,
   * versions in a chain have strictly decreasing sequence numbers, and each chain's weight matches
   * its contents. Reports chains as blocks and their weight as bytes.
   *
   * @throws IllegalStateException naming the broken invariant (a bug, not damaged data)
   */
  @Override
  public VerifyReport verify() {
    checkOpen();
    cache.cleanUp();
    long stamp = lock.readLock();
    try {
      long chains = 0;
      long bytes = 0;
      for (Map.Entry<ByteKey, Chain> entry : index.entrySet()) {
        ByteKey key = entry.getKey();
        Chain chain = entry.getValue();
        long previousSeq = Long.MAX_VALUE;
        for (Version v = chain.head(); v != null; v = v.older()) {
          if (v.seq() >= previousSeq) {
            throw new IllegalStateException(
                "memory engine: version sequence numbers not decreasing in a chain: "
                    + v.seq()
                    + " after "
                    + previousSeq);
          }
          previousSeq = v.seq();
        }
        if (Chain.of(key.bytes, chain.head()).weight() != chain.weight()) {
          throw new IllegalStateException("memory engine: chain weight does not match its content");
        }
        if (!cacheHolds(key, chain) && !chain.purgedAt(clock.nanoTime())) {
          cache.cleanUp(); // an eviction may be between its two maps; let it finish
          if (index.get(key) == chain && !cacheHolds(key, chain)) {
            throw new IllegalStateException(
                "memory engine: a key in the index is not in the cache");
          }
        }
        chains++;
        bytes += chain.weight();
      }
      for (Map.Entry<ByteKey, Chain> entry : cache.asMap().entrySet()) {
        if (index.get(entry.getKey()) != entry.getValue()) {
          throw new IllegalStateException("memory engine: a key in the cache is not in the index");
        }
      }
      return new VerifyReport(0, chains, bytes);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private boolean cacheHolds(ByteKey key, Chain chain) {
    return cache.policy().getIfPresentQuietly(key) == chain;
  }

  @Override
  public StorageStats stats() {
    long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    return new StorageStats(
        List.of(),
        weight,
        cache.estimatedSize(),
        userBytesWritten.sum(),
        0,
        0,
        0,
        0,
        0,
        new StorageStats.CacheStats(
            lookupHits.sum(), lookupMisses.sum(), evictions.sum(), weight, options.memoryBytes()),
        StorageStats.CacheStats.NONE,
        0,
        0,
        evictions.sum(),
        0,
        0,
        false);
  }

  /** Chains removed because their newest record expired or its tombstone grace ended. */
  long purges() {
    return purges.sum();
  }

  /** Runs pending cache maintenance (tests). */
  void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public void close() {
    long stamp = lock.writeLock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      cache.invalidateAll();
      index.clear();
      openSnapshots.clear();
      cache.cleanUp();
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  void checkOpen() {
    if (closed) {
      throw new StorageClosedException("memory engine: closed");
    }
  }

  /** Called by the cache inside the atomic removal of an evicted or expired chain. */
  private void onEvicted(ByteKey key, Chain chain, RemovalCause cause) {
    if (key == null || chain == null) {
      return; // never for strong keys and values; kept for the listener's nullable contract
    }
    index.remove(key, chain);
    if (cause == RemovalCause.SIZE) {
      evictions.increment();
    } else if (cause == RemovalCause.EXPIRED) {
      purges.increment();
    }
  }

  /** Expires a chain at its purge deadline (set at write time, in ticker nanoseconds). */
  private static final class ChainExpiry implements Expiry<ByteKey, Chain> {
    @Override
    public long expireAfterCreate(ByteKey key, Chain chain, long currentTime) {
      return remaining(chain, currentTime);
    }

    @Override
    public long expireAfterUpdate(
        ByteKey key, Chain chain, long currentTime, long currentDuration) {
      return remaining(chain, currentTime);
    }

    @Override
    public long expireAfterRead(ByteKey key, Chain chain, long currentTime, long currentDuration) {
      return currentDuration;
    }

    private static long remaining(Chain chain, long nowNanos) {
      if (chain.purgeAtNanos() == Chain.NEVER) {
        return Long.MAX_VALUE;
      }
      return Math.max(0, chain.purgeAtNanos() - nowNanos);
    }
  }
}
