package org.ppdb.peer.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;

/**
 * A {@link KeyValueService} over one local {@link StorageEngine}: a single-node store (replication
 * factor 1, so every {@link Consistency} level is satisfied by the one local write) and the backend
 * of front-end tests.
 *
 * <p>Versions come from an injected source, in the peer its hybrid logical clock ({@code
 * HybridClock::now}), so versions increase with time and break ties by writer. Expiry is the
 * engine's: values are written with {@code expiresAtMillis} and reads hide expired values. The wall
 * clock given here must be the engine's clock, so that "expired" means the same on both sides.
 *
 * <p>Threading and cost: every operation runs on the given executor (storage calls may block on I/O
 * or a write stall; the executor keeps them off network threads) and completes its stage there. A
 * full executor ({@link RejectedExecutionException}) completes the stage with {@link
 * OverloadedException}. {@link #scan} takes one engine snapshot per page and closes it before
 * returning. The engine is not closed by this class; its owner closes it.
 */
public final class LocalKeyValueService implements KeyValueService {
  /** Largest page of one {@link #scan} call, in keys: bounds the memory and time of one call. */
  public static final int SCAN_LIMIT_MAX = 10_000;

  private final StorageEngine engine;
  private final LongSupplier versionSource;
  private final LongSupplier epochMillis;
  private final Executor executor;

  /**
   * @param engine the local engine (owned by the caller)
   * @param versionSource a fresh, increasing version per write (the peer's {@code
   *     HybridClock::now})
   * @param epochMillis the engine's wall clock in epoch milliseconds, to decide expiry of reads
   * @param executor runs storage calls; should be bounded (its rejections become {@link
   *     OverloadedException}); {@code Runnable::run} runs them on the caller's thread (tests)
   */
  public LocalKeyValueService(
      StorageEngine engine,
      LongSupplier versionSource,
      LongSupplier epochMillis,
      Executor executor) {
    if (engine == null || versionSource == null || epochMillis == null || executor == null) {
      throw new NullPointerException("engine, versionSource, epochMillis and executor required");
    }
    this.engine = engine;
    this.versionSource = versionSource;
    this.epochMillis = epochMillis;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Optional<StoredValue>> get(byte[] key, Consistency consistency) {
    return run(
        () -> {
          Record record = engine.getRecord(key);
          if (record == null || !record.isLive(epochMillis.getAsLong())) {
            return Optional.empty();
          }
          return Optional.of(
              new StoredValue(record.value(), record.expiresAtMillis(), record.version()));
        });
  }

  @Override
  public CompletionStage<Long> put(
      byte[] key, byte[] value, long expiresAtMillis, Consistency consistency) {
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
    return run(
        () -> {
          long version = versionSource.getAsLong();
          engine.put(key, value, version, expiresAtMillis);
          return version;
        });
  }

  @Override
  public CompletionStage<Long> delete(byte[] key, Consistency consistency) {
    return run(
        () -> {
          long version = versionSource.getAsLong();
          engine.delete(key, version);
          return version;
        });
  }

  /**
   * Writes with the client's {@code version} as given (0: a fresh one from the version source).
   * There is no clock here to bound it by; a version that is not positive is refused. As in every
   * engine, the newest version of a key wins, so a version below the stored one is written but
   * stays hidden.
   */
  @Override
  public CompletionStage<Long> writeVersioned(
      byte[] key, byte[] value, long expiresAtMillis, long version, Consistency consistency) {
    if (version == 0) {
      return value == null
          ? delete(key, consistency)
          : put(key, value, expiresAtMillis, consistency);
    }
    if (version < 0) {
      return CompletableFuture.failedFuture(
          new VersionRejectedException(
              "version " + version + " is not a version (expected: a positive 64-bit version)"));
    }
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
    return run(
        () -> {
          if (value == null) {
            engine.delete(key, version);
          } else {
            engine.put(key, value, version, expiresAtMillis);
          }
          return version;
        });
  }

  @Override
  public CompletionStage<ScanPage> scan(byte[] afterKey, int limit, Consistency consistency) {
    if (limit < 1 || limit > SCAN_LIMIT_MAX) {
      throw new IllegalArgumentException(
          "limit: " + limit + " (expected: 1.." + SCAN_LIMIT_MAX + ")");
    }
    return run(
        () -> {
          // The smallest key greater than afterKey is afterKey followed by a zero byte.
          byte[] from = afterKey == null ? null : Arrays.copyOf(afterKey, afterKey.length + 1);
          List<byte[]> keys = new ArrayList<>(Math.min(limit, 1024));
          try (Snapshot snapshot = engine.snapshot();
              Cursor cursor = snapshot.scan(from, null, Direction.FORWARD)) {
            while (keys.size() < limit && cursor.next()) {
              keys.add(cursor.key());
            }
            boolean more = keys.size() == limit && cursor.next();
            return new ScanPage(keys, more ? keys.get(keys.size() - 1) : null);
          }
        });
  }

  @Override
  public CompletionStage<Long> sizeEstimate() {
    return run(() -> Math.max(0, engine.stats().entriesApprox()));
  }

  private <T> CompletionStage<T> run(Supplier<T> operation) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(operation.get());
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            } catch (Error e) {
              // Complete the stage so the caller's pipeline does not hang, then let it propagate.
              result.completeExceptionally(e);
              throw e;
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new OverloadedException("storage executor is full: " + e.getMessage()));
    }
    return result;
  }
}
