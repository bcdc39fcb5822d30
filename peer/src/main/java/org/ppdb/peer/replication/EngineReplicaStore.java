package org.ppdb.peer.replication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.WriteBatch;

/**
 * The production {@link ReplicaStore}: a {@link StorageEngine} (LSM or in-memory) whose calls run
 * on a bounded storage executor, with every callback handed back to the node's thread.
 *
 * <p>The engine keeps the highest version of each key whatever the order of arrival, so a write is
 * a plain {@code put}/{@code delete} with the record's version: an older record is absorbed without
 * a read. Threading: methods may be called from any thread; callbacks run through {@code
 * nodeThread}. A full executor completes the callback with {@link OverloadedException}.
 */
public final class EngineReplicaStore implements ReplicaStore {
  /** Calls waiting for a storage thread; more are refused as overload. */
  static final int QUEUED_MAX = 65_536;

  /** Most calls one drain runs before handing its results back (bounds a batch's latency). */
  static final int BATCH_OPS_MAX = 256;

  /** Storage threads draining the queue at once. */
  static final int DRAINERS_MAX = 2;

  private final java.util.concurrent.ConcurrentLinkedQueue<Op> queue =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger queued =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger drainers =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Most keys one {@link #stream} call examines, so one call stays short on a large store. */
  static final int STREAM_KEYS_EXAMINED_MAX = 200_000;

  private final StorageEngine engine;
  private final Executor storageExecutor;
  private final Consumer<Runnable> nodeThread;
  private final LongSupplier epochMillis;

  /**
   * @param engine the local engine (owned by the caller, which closes it)
   * @param storageExecutor runs the engine calls; bounded (rejections become overload)
   * @param nodeThread runs a callback on the node's thread (the node loop's submit)
   * @param epochMillis the engine's wall clock, to decide what a scan sees as live
   */
  public EngineReplicaStore(
      StorageEngine engine,
      Executor storageExecutor,
      Consumer<Runnable> nodeThread,
      LongSupplier epochMillis) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.storageExecutor = Objects.requireNonNull(storageExecutor, "storageExecutor");
    this.nodeThread = Objects.requireNonNull(nodeThread, "nodeThread");
    this.epochMillis = Objects.requireNonNull(epochMillis, "epochMillis");
  }

  @Override
  public void write(ReplicaRecord record, BiConsumer<Long, Throwable> done) {
    submit(new WriteOp(record, done));
  }

  @Override
  public void writeAll(List<ReplicaRecord> records, Consumer<Throwable> done) {
    List<ReplicaRecord> copy = List.copyOf(records);
    run(
        () -> {
          WriteBatch batch = new WriteBatch();
          copy.forEach(record -> add(batch, record));
          if (!batch.isEmpty()) {
            engine.write(batch);
          }
          return null;
        },
        (ignored, error) -> done.accept(error));
  }

  @Override
  public void read(byte[] key, BiConsumer<ReplicaRecord, Throwable> done) {
    run(() -> readNow(key), done);
  }

  /**
   * Writes {@code record} on the calling thread, as {@link #write} does on a storage thread, and
   * returns the version the engine holds for the key afterwards (the record's own, or a higher one
   * that superseded it). Blocks while the engine syncs its log (sync policy {@code always}) or
   * stalls writers; {@link LocalPath} calls it only where neither is expected to take long.
   *
   * @throws org.ppdb.storage.StorageException if the engine fails or refuses the write
   */
  public long writeNow(ReplicaRecord record) {
    long ceiling = engine.versionCeiling();
    if (record.tombstone()) {
      engine.delete(record.key(), record.version());
    } else {
      engine.put(record.key(), record.value(), record.version(), record.expiresAtMillis());
    }
    return heldVersion(record, ceiling, false);
  }

  /**
   * The version the engine holds for {@code record}'s key after it was written: its own, or a
   * higher one that superseded it. {@code ceiling} is the engine's {@link
   * StorageEngine#versionCeiling()} read before the write. A record above it that no other record
   * of the same write shares a key with ({@code sharesKey} false) was superseded by nothing the
   * engine held, so its key is not read back: that read is a memtable descent, as costly as the
   * write itself (a few microseconds of cache misses in a full memtable). A concurrent write of the
   * same key may have superseded it meanwhile; the two are concurrent, and ordering this one first
   * is valid.
   *
   * @throws org.ppdb.storage.StorageException if the engine fails
   */
  private long heldVersion(ReplicaRecord record, long ceiling, boolean sharesKey) {
    if (record.version() > ceiling && !sharesKey) {
      return record.version();
    }
    Record held = engine.getRecord(record.key()); // usually a memtable hit: just written
    return held == null ? record.version() : Math.max(record.version(), held.version());
  }

  /** Which of {@code items} share their record's key with another of them (usually none). */
  private static <T> boolean[] sharedKeys(
      List<T> items, java.util.function.Function<T, ReplicaRecord> record) {
    boolean[] shared = new boolean[items.size()];
    if (items.size() < 2) {
      return shared;
    }
    java.util.Map<java.nio.ByteBuffer, Integer> first = new java.util.HashMap<>();
    for (int i = 0; i < shared.length; i++) {
      byte[] key = record.apply(items.get(i)).key();
      Integer earlier = first.putIfAbsent(java.nio.ByteBuffer.wrap(key), i);
      if (earlier != null) {
        shared[earlier] = true;
        shared[i] = true;
      }
    }
    return shared;
  }

  /**
   * Writes {@code records} on the calling thread as one atomic batch (one log record) and returns,
   * per record, the version the engine holds for its key afterwards, as {@link #writeNow} does.
   *
   * @throws org.ppdb.storage.StorageException if the engine fails or refuses the batch
   */
  public long[] writeAllNow(List<ReplicaRecord> records) {
    WriteBatch batch = new WriteBatch();
    records.forEach(record -> add(batch, record));
    long ceiling = engine.versionCeiling();
    engine.write(batch);
    boolean[] shared = sharedKeys(records, record -> record);
    long[] held = new long[records.size()];
    for (int i = 0; i < held.length; i++) {
      held[i] = heldVersion(records.get(i), ceiling, shared[i]);
    }
    return held;
  }

  /**
   * The stored record of {@code key} (value or tombstone, even if expired), or {@code null}, read
   * on the calling thread.
   *
   * @throws org.ppdb.storage.StorageException if the engine fails
   */
  public ReplicaRecord readNow(byte[] key) {
    Record record = engine.getRecord(key);
    if (record == null) {
      return null;
    }
    return record.tombstone()
        ? ReplicaRecord.tombstone(key, record.version())
        : new ReplicaRecord(key, record.value(), record.version(), record.expiresAtMillis());
  }

  @Override
  public void scan(byte[] afterKey, int limit, BiConsumer<ScanResult, Throwable> done) {
    run(
        () -> {
          byte[] from = afterKey == null ? null : Arrays.copyOf(afterKey, afterKey.length + 1);
          List<byte[]> keys = new ArrayList<>(Math.min(limit, 1024));
          try (Snapshot snapshot = engine.snapshot();
              Cursor cursor = snapshot.scan(from, null, Direction.FORWARD)) {
            while (keys.size() < limit && cursor.next()) {
              keys.add(cursor.key());
            }
            return new ScanResult(keys, keys.size() == limit && cursor.next());
          }
        },
        done);
  }

  @Override
  public void stream(
      TokenRanges ranges, byte[] afterKey, int bytesMax, BiConsumer<StreamResult, Throwable> done) {
    run(
        () -> {
          byte[] from = afterKey == null ? null : Arrays.copyOf(afterKey, afterKey.length + 1);
          List<ReplicaRecord> records = new ArrayList<>();
          long now = epochMillis.getAsLong();
          int bytes = 0;
          int examined = 0;
          byte[] last = null;
          try (Snapshot snapshot = engine.snapshot();
              Cursor cursor = snapshot.scanRecords(from, null, Direction.FORWARD)) {
            while (cursor.next()) {
              byte[] key = cursor.key();
              examined++;
              if (ranges.containsKey(key)) {
                ReplicaRecord record =
                    cursor.isTombstone()
                        ? ReplicaRecord.tombstone(key, cursor.version())
                        : new ReplicaRecord(
                            key, cursor.value(), cursor.version(), cursor.expiresAtMillis());
                if (record.tombstone() || record.isLive(now)) {
                  if (!records.isEmpty() && bytes + record.sizeBytes() > bytesMax) {
                    // The batch is full: this record starts the next one, so a batch never
                    // exceeds bytesMax by more than one record (and a frame's limit fits that).
                    return new StreamResult(records, last);
                  }
                  records.add(record);
                  bytes += record.sizeBytes();
                }
              }
              last = key;
              if (bytes >= bytesMax || examined >= STREAM_KEYS_EXAMINED_MAX) {
                return new StreamResult(records, last);
              }
            }
            return new StreamResult(records, null);
          }
        },
        done);
  }

  @Override
  public long sizeEstimate() {
    return Math.max(0, engine.stats().entriesApprox());
  }

  private interface StorageCall<T> {
    T call();
  }

  /** One queued storage call; {@link #execute} runs it and returns its node-thread callback. */
  private abstract static class Op {
    abstract Runnable execute();

    abstract Runnable fail(Throwable error);
  }

  private static final class CallOp<T> extends Op {
    final StorageCall<T> call;
    final BiConsumer<T, Throwable> done;

    CallOp(StorageCall<T> call, BiConsumer<T, Throwable> done) {
      this.call = call;
      this.done = done;
    }

    @Override
    Runnable execute() {
      try {
        T result = call.call();
        return () -> done.accept(result, null);
      } catch (RuntimeException e) {
        return fail(e);
      }
    }

    @Override
    Runnable fail(Throwable error) {
      return () -> done.accept(null, error);
    }
  }

  private static final class WriteOp extends Op {
    final ReplicaRecord record;
    final BiConsumer<Long, Throwable> done;

    WriteOp(ReplicaRecord record, BiConsumer<Long, Throwable> done) {
      this.record = record;
      this.done = done;
    }

    @Override
    Runnable execute() {
      throw new UnsupportedOperationException("writes run in batches");
    }

    @Override
    Runnable fail(Throwable error) {
      return () -> done.accept(null, error);
    }
  }

  private <T> void run(StorageCall<T> call, BiConsumer<T, Throwable> done) {
    submit(new CallOp<>(call, done));
  }

  /**
   * Queues a call for the storage threads. Calls are drained in batches: one hand-off to a storage
   * thread and one back to the node's thread carry every call queued meanwhile, and the writes of a
   * batch go to the engine as one {@link WriteBatch} (one log record). Under load this turns four
   * thread wake-ups per request into a few per batch.
   */
  private void submit(Op op) {
    if (queued.incrementAndGet() > QUEUED_MAX) {
      queued.decrementAndGet();
      nodeThread.accept(
          op.fail(new OverloadedException("storage queue is full (" + QUEUED_MAX + " calls)")));
      return;
    }
    queue.add(op);
    startDrainerIfIdle();
  }

  private void startDrainerIfIdle() {
    while (!queue.isEmpty()) {
      int running = drainers.get();
      if (running >= DRAINERS_MAX) {
        return; // a running drainer checks the queue again before it stops
      }
      if (drainers.compareAndSet(running, running + 1)) {
        try {
          storageExecutor.execute(this::drain);
        } catch (RejectedExecutionException e) {
          drainers.decrementAndGet();
          failQueued(new OverloadedException("storage executor is full"));
        }
        return;
      }
    }
  }

  private void failQueued(Throwable error) {
    List<Runnable> callbacks = new ArrayList<>();
    Op op;
    while ((op = queue.poll()) != null) {
      queued.decrementAndGet();
      callbacks.add(op.fail(error));
    }
    if (!callbacks.isEmpty()) {
      nodeThread.accept(() -> callbacks.forEach(Runnable::run));
    }
  }

  private void drain() {
    List<Runnable> callbacks = new ArrayList<>();
    List<WriteOp> writes = new ArrayList<>();
    try {
      Op op;
      while (callbacks.size() + writes.size() < BATCH_OPS_MAX && (op = queue.poll()) != null) {
        queued.decrementAndGet();
        if (op instanceof WriteOp write) {
          writes.add(write);
        } else {
          callbacks.add(op.execute());
        }
      }
      if (!writes.isEmpty()) {
        applyWrites(writes, callbacks);
      }
    } finally {
      if (!callbacks.isEmpty()) {
        nodeThread.accept(() -> callbacks.forEach(Runnable::run));
      }
      drainers.decrementAndGet();
      startDrainerIfIdle();
    }
  }

  private static void add(WriteBatch batch, ReplicaRecord record) {
    if (record.tombstone()) {
      batch.delete(record.key(), record.version());
    } else {
      batch.put(record.key(), record.value(), record.version(), record.expiresAtMillis());
    }
  }

  private void applyWrites(List<WriteOp> writes, List<Runnable> callbacks) {
    long ceiling;
    try {
      WriteBatch batch = new WriteBatch();
      writes.forEach(write -> add(batch, write.record));
      ceiling = engine.versionCeiling();
      engine.write(batch);
    } catch (RuntimeException e) {
      for (WriteOp write : writes) {
        callbacks.add(write.fail(e));
      }
      return;
    }
    boolean[] shared = sharedKeys(writes, write -> write.record);
    for (int i = 0; i < writes.size(); i++) {
      WriteOp write = writes.get(i);
      long held;
      try {
        held = heldVersion(write.record, ceiling, shared[i]);
      } catch (RuntimeException e) {
        callbacks.add(write.fail(e));
        continue;
      }
      callbacks.add(() -> write.done.accept(held, null));
    }
  }
}
