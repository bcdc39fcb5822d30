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
    run(
        () -> {
          apply(record);
          // Usually a memtable hit: the key was just written, and older tables are skipped by
          // their highest version.
          Record held = engine.getRecord(record.key());
          return held == null ? record.version() : Math.max(record.version(), held.version());
        },
        done);
  }

  private void apply(ReplicaRecord record) {
    if (record.tombstone()) {
      engine.delete(record.key(), record.version());
    } else {
      engine.put(record.key(), record.value(), record.version(), record.expiresAtMillis());
    }
  }

  @Override
  public void writeAll(List<ReplicaRecord> records, Consumer<Throwable> done) {
    List<ReplicaRecord> copy = List.copyOf(records);
    run(
        () -> {
          WriteBatch batch = new WriteBatch();
          for (ReplicaRecord record : copy) {
            if (record.tombstone()) {
              batch.delete(record.key(), record.version());
            } else {
              batch.put(record.key(), record.value(), record.version(), record.expiresAtMillis());
            }
          }
          if (!batch.isEmpty()) {
            engine.write(batch);
          }
          return null;
        },
        (ignored, error) -> done.accept(error));
  }

  @Override
  public void read(byte[] key, BiConsumer<ReplicaRecord, Throwable> done) {
    run(
        () -> {
          Record record = engine.getRecord(key);
          if (record == null) {
            return null;
          }
          return record.tombstone()
              ? ReplicaRecord.tombstone(key, record.version())
              : new ReplicaRecord(key, record.value(), record.version(), record.expiresAtMillis());
        },
        done);
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

  private <T> void run(StorageCall<T> call, BiConsumer<T, Throwable> done) {
    try {
      storageExecutor.execute(
          () -> {
            T result = null;
            Throwable error = null;
            try {
              result = call.call();
            } catch (RuntimeException e) {
              error = e;
            }
            T finalResult = result;
            Throwable finalError = error;
            nodeThread.accept(() -> done.accept(finalResult, finalError));
          });
    } catch (RejectedExecutionException e) {
      nodeThread.accept(
          () -> done.accept(null, new OverloadedException("storage executor is full")));
    }
  }
}
