package org.ppdb.peer.replication;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.ppdb.peer.api.Consistency;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.api.ReplicasUnavailableException;
import org.ppdb.peer.api.RequestTimeoutException;
import org.ppdb.peer.api.StoredValue;
import org.ppdb.peer.clock.HybridClock;

/**
 * Serves the requests this peer answers alone ({@link LocalPlacement}) on the calling thread — the
 * client connection's event loop — instead of handing them to the node's thread, which hands the
 * storage call to a storage thread, whose answer comes back through the node's thread to the event
 * loop: four thread hand-offs, each a wake-up and often a context switch on a small machine, for a
 * request that involves no other peer. Redis serves every request on the connection's thread; so
 * does this path, for the one-replica cases (N = 1, a one-peer ring, reads at ONE from a replica).
 *
 * <p>Correctness: a local write is stamped by the peer's {@link HybridClock} (thread-safe), written
 * to the engine, and stamped anew above a newer version the engine holds, as the coordinator does
 * on a replica's {@code supersededBy} answer. The placement is read before and after the engine
 * call: if it changed meanwhile (a member started joining, say), the caller falls back to the
 * coordinator, which sends the write to every replica the new placement names — so a write the
 * engine took after a bootstrap stream's snapshot still reaches the joining peer. (The node's
 * thread publishes a new placement before it serves any stream of the new ring, and a stream's
 * snapshot is taken after that, so a write that saw the old placement after it finished is in the
 * snapshot.)
 *
 * <p>Blocking: an engine write blocks while the engine syncs its log, so writes take this path only
 * when the log is not synced per write ({@code inlineWrites}, false with {@code --wal-sync
 * always}); they may still wait briefly for a group commit, or longer when the engine stalls
 * writers (which then holds back this connection's event loop: backpressure). A read may read a
 * table block from the page cache or the disk.
 *
 * <p>Thread-safe. Cost per request: a ring lookup, a clock tick, a share of one engine batch (or
 * one engine read) and a few small objects (the record, the future, the batch entry).
 */
public final class LocalPath {
  private final Supplier<LocalPlacement> placement;
  private final HybridClock clock;
  private final EngineReplicaStore store;
  private final LongSupplier epochMillis;
  private final boolean inlineWrites;
  private final RoundBatcher<LocalWrite> writeRounds;
  private final RoundBatcher<AheadWrite> aheadRounds;

  private final LongAdder writes = new LongAdder();
  private final LongAdder writesIndeterminate = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder readsFailed = new LongAdder();
  private final LongAdder restamped = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder readsAhead = new LongAdder();
  private final LongAdder writesAhead = new LongAdder();

  /**
   * @param placement the node's latest placement ({@link ReplicationCore#localPlacement()}); null
   *     while the node is starting
   * @param clock the peer's clock, shared with the node's coordinator
   * @param store the peer's replica store, called synchronously
   * @param epochMillis the wall clock that decides whether a value has expired
   * @param inlineWrites whether writes may run on the caller's thread (false when every write waits
   *     for a log sync)
   * @param currentLoop the event loop the calling thread runs, or null on any other thread (in
   *     production Netty's {@code ThreadExecutorMap::currentExecutor})
   */
  public LocalPath(
      Supplier<LocalPlacement> placement,
      HybridClock clock,
      EngineReplicaStore store,
      LongSupplier epochMillis,
      boolean inlineWrites,
      Supplier<Executor> currentLoop) {
    this.placement = Objects.requireNonNull(placement, "placement");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.store = Objects.requireNonNull(store, "store");
    this.epochMillis = Objects.requireNonNull(epochMillis, "epochMillis");
    this.inlineWrites = inlineWrites;
    this.writeRounds = new RoundBatcher<>(currentLoop, GROUP_MAX, this::commit);
    this.aheadRounds = new RoundBatcher<>(currentLoop, GROUP_MAX, this::commitAhead);
  }

  /** The coordinator's write, which a local write falls back to when the placement changed. */
  @FunctionalInterface
  public interface Coordinator {
    /** Writes through the node's coordinator, as if the local path had not been tried. */
    CompletionStage<Long> write(
        byte[] key,
        byte[] value,
        long expiresAtMillis,
        long clientVersion,
        Consistency consistency);
  }

  /**
   * The coordinator's write of a record this peer's replica already applied ({@link
   * ReplicationCore#write(ReplicationCore.WrittenAhead, Consistency, long)}).
   */
  @FunctionalInterface
  public interface AheadCoordinator {
    /** Sends {@code ahead}'s record to the key's other replicas through the node's coordinator. */
    CompletionStage<Long> write(ReplicationCore.WrittenAhead ahead, Consistency consistency);
  }

  /** Most writes one engine batch of an event loop carries. */
  static final int GROUP_MAX = 256;

  /**
   * Writes {@code key} here when this peer is its only replica; returns its result (complete, or
   * completing later on this thread), or {@code null} when the request must go through the
   * coordinator (nothing was written).
   *
   * <p>On an event loop, writes gather until the loop has handled the I/O it is handling now, then
   * go to the engine as one batch ({@link RoundBatcher}): one log append and one group commit for
   * every command that arrived in the same round, from every connection of the loop. Elsewhere a
   * write is applied at once.
   *
   * @param value the value, or {@code null} for a tombstone
   * @param clientVersion the version the client stamped the write with, 0 for none (this peer's
   *     clock stamps it); a version the clock would refuse goes to the coordinator, which refuses
   *     it
   * @param coordinator where the write goes if the placement changes before it is applied
   */
  public CompletableFuture<Long> tryWrite(
      byte[] key,
      byte[] value,
      long expiresAtMillis,
      long clientVersion,
      Consistency consistency,
      Coordinator coordinator) {
    LocalWrite write =
        firstAttempt(
            LocalPlacement::writesLocally,
            key,
            value,
            expiresAtMillis,
            clientVersion,
            consistency,
            coordinator);
    if (write == null) {
      return null;
    }
    writeRounds.add(write);
    return write.future;
  }

  /**
   * The first attempt of a write of {@code key} on this path, or {@code null} when writes must not
   * run here or the current placement does not {@code allow} the key.
   */
  private LocalWrite firstAttempt(
      BiPredicate<LocalPlacement, byte[]> allow,
      byte[] key,
      byte[] value,
      long expiresAtMillis,
      long clientVersion,
      Consistency consistency,
      Coordinator coordinator) {
    if (!inlineWrites) {
      return null;
    }
    LocalPlacement current = placement.get();
    if (current == null || !allow.test(current, key)) {
      return null;
    }
    // After the placement: a write that is not for this path (at N = 3 every write tries the N = 1
    // path first) never takes the clock's lock.
    if (clientVersion != 0 && clock.clientVersionProblem(clientVersion) != null) {
      return null;
    }
    return new LocalWrite(
        key,
        value,
        expiresAtMillis,
        clientVersion,
        consistency,
        coordinator,
        new CompletableFuture<>(),
        1);
  }

  /**
   * A write on this path; {@code clientVersion} is its client's version (0: none) until it is
   * stamped anew above a newer stored version.
   */
  private record LocalWrite(
      byte[] key,
      byte[] value,
      long expiresAtMillis,
      long clientVersion,
      Consistency consistency,
      Coordinator coordinator,
      CompletableFuture<Long> future,
      int attempt) {

    /** The next attempt, stamped by the clock (which observed the newer stored version). */
    LocalWrite again() {
      return new LocalWrite(
          key, value, expiresAtMillis, 0, consistency, coordinator, future, attempt + 1);
    }

    /** The write's version now: its client's, or a fresh one from {@code clock}. */
    long stamp(HybridClock clock) {
      return clientVersion != 0 ? clock.acceptClientVersion(clientVersion) : clock.now();
    }

    ReplicaRecord record(long version) {
      return value == null
          ? ReplicaRecord.tombstone(key, version)
          : new ReplicaRecord(key, value, version, expiresAtMillis);
    }
  }

  /** Applies {@code batch} as one engine batch and completes them (or hands them on). */
  private void commit(List<LocalWrite> batch) {
    if (batch.isEmpty()) {
      return;
    }
    LocalPlacement before = placement.get();
    List<LocalWrite> local = new ArrayList<>(batch.size());
    for (LocalWrite write : batch) {
      if (before != null && before.writesLocally(write.key())) {
        local.add(write);
      } else {
        // The placement changed since the write was accepted (or since its last attempt).
        fallBack(write, write.attempt() > 1);
      }
    }
    if (local.isEmpty()) {
      return;
    }
    List<ReplicaRecord> records = new ArrayList<>(local.size());
    for (LocalWrite write : local) {
      records.add(write.record(write.stamp(clock)));
    }
    long[] held;
    try {
      held = store.writeAllNow(records);
    } catch (RuntimeException e) {
      String why = ReplicationCore.describe(e);
      for (LocalWrite write : local) {
        indeterminate(write, "0 of 1 acknowledgements, 1 replicas failed, last: " + why);
      }
      return;
    }
    if (placement.get() != before) {
      // A member started joining (or a range moved) while the batch was applied: the coordinator
      // writes each again, to every replica of the new placement.
      for (LocalWrite write : local) {
        fallBack(write, true);
      }
      return;
    }
    List<LocalWrite> again = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      LocalWrite write = local.get(i);
      long version = records.get(i).version();
      if (held[i] <= version || writtenInBatch(records, i, held[i])) {
        writes.increment();
        write.future().complete(version);
      } else if (write.attempt() >= ReplicationCore.WRITE_ATTEMPTS_MAX) {
        indeterminate(
            write,
            "still superseded by newer versions after "
                + write.attempt()
                + " attempts (concurrent writers)");
      } else {
        // The engine holds a newer version (written under a clock that ran ahead): stamp above it.
        clock.observe(held[i]);
        restamped.increment();
        again.add(write.again());
      }
    }
    commit(again);
  }

  private void indeterminate(LocalWrite write, String detail) {
    writesIndeterminate.increment();
    write
        .future()
        .completeExceptionally(
            new RequestTimeoutException(true, write.consistency() + ": " + detail));
  }

  /**
   * Whether the newer version the engine holds for record {@code i}'s key is a later write of the
   * same batch: that one was stamped later, so it is the later write and this one simply lost.
   */
  private static boolean writtenInBatch(List<ReplicaRecord> records, int i, long held) {
    byte[] key = records.get(i).key();
    for (ReplicaRecord other : records) {
      if (other.version() == held && Arrays.equals(other.key(), key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Hands {@code write} to the coordinator. When this peer's engine already took an attempt of it
   * ({@code applied}), a definite refusal by the coordinator (too few replicas reachable,
   * overloaded) is reported as indeterminate instead: the write is in this peer's store and may
   * become visible.
   */
  private void fallBack(LocalWrite write, boolean applied) {
    fallbacks.increment();
    CompletionStage<Long> stage;
    try {
      stage =
          write
              .coordinator()
              .write(
                  write.key(),
                  write.value(),
                  write.expiresAtMillis(),
                  write.clientVersion(),
                  write.consistency());
    } catch (RuntimeException e) {
      write.future().completeExceptionally(e);
      return;
    }
    relay(write, stage, applied);
  }

  /**
   * Completes {@code write} with the coordinator's result {@code stage}; when this peer's engine
   * took the write ({@code applied}), a definite refusal becomes indeterminate.
   */
  private void relay(LocalWrite write, CompletionStage<Long> stage, boolean applied) {
    stage.whenComplete(
        (version, error) -> {
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          if (cause == null) {
            write.future().complete(version);
            return;
          }
          Throwable reported = applied ? afterApplied(cause, write.consistency()) : cause;
          if (reported != cause) {
            writesIndeterminate.increment();
          }
          write.future().completeExceptionally(reported);
        });
  }

  /**
   * What to report for a write that failed with {@code cause} after this peer's store took it: a
   * definite refusal (too few replicas, overload) becomes indeterminate, since the write is in this
   * peer's store and may become visible; any other error is returned as it is.
   */
  public static Throwable afterApplied(Throwable cause, Consistency consistency) {
    if (cause instanceof ReplicasUnavailableException || cause instanceof OverloadedException) {
      return new RequestTimeoutException(
          true,
          consistency
              + ": this peer's replica took it, but the coordinator refused: "
              + ReplicationCore.describe(cause));
    }
    return cause;
  }

  /**
   * Applies a write of {@code key} to this peer's own replica on the caller's thread, then hands it
   * to the coordinator for the other replicas, with this replica's answer already taken: the
   * write's own part skips the storage thread and the hand-offs to it and back ({@link #readAhead}
   * does the same for reads). Returns the write's result, or {@code null} when this peer is not one
   * of the key's replicas (or writes must not run here): the caller then goes to the coordinator as
   * usual.
   *
   * <p>On an event loop, the writes of one round go to the engine as one batch ({@link
   * RoundBatcher}), stamped just before (by the client's version, or the peer's clock). Only while
   * every replica of the key is reachable ({@link LocalPlacement#writesAhead}); otherwise the write
   * takes the usual way, so that a refusal for want of replicas finds nothing applied. A write of
   * the batch that the engine already holds a newer version of is handed on as superseded, and the
   * coordinator stamps it anew for every replica, as it does on any replica's {@code supersededBy}
   * answer. Once the record is in this peer's store the write may become visible, so a definite
   * refusal by the coordinator (the node is joining, too few replicas are reachable, overload) is
   * reported as indeterminate. The placement is checked again at the commit: a key this peer
   * stopped replicating meanwhile goes to the coordinator with nothing applied.
   *
   * @param value the value, or {@code null} for a tombstone
   * @param clientVersion the client's version of the write, 0 for none, as in {@link #tryWrite}
   */
  public CompletableFuture<Long> writeAhead(
      byte[] key,
      byte[] value,
      long expiresAtMillis,
      long clientVersion,
      Consistency consistency,
      Coordinator coordinator,
      AheadCoordinator aheadCoordinator) {
    LocalWrite first =
        firstAttempt(
            LocalPlacement::writesAhead,
            key,
            value,
            expiresAtMillis,
            clientVersion,
            consistency,
            coordinator);
    if (first == null) {
      return null;
    }
    AheadWrite write = new AheadWrite(first, aheadCoordinator);
    aheadRounds.add(write);
    return write.write().future();
  }

  private record AheadWrite(LocalWrite write, AheadCoordinator coordinator) {}

  /** Applies {@code batch} as one engine batch, then hands each write to the coordinator. */
  private void commitAhead(List<AheadWrite> batch) {
    LocalPlacement current = placement.get();
    List<AheadWrite> local = new ArrayList<>(batch.size());
    for (AheadWrite ahead : batch) {
      if (current != null && current.writesAhead(ahead.write().key())) {
        local.add(ahead);
      } else {
        fallBack(ahead.write(), false);
      }
    }
    if (local.isEmpty()) {
      return;
    }
    List<ReplicaRecord> records = new ArrayList<>(local.size());
    for (AheadWrite ahead : local) {
      records.add(ahead.write().record(ahead.write().stamp(clock)));
    }
    long[] held = null;
    String error = null;
    try {
      held = store.writeAllNow(records);
    } catch (RuntimeException e) {
      error = ReplicationCore.describe(e);
    }
    for (int i = 0; i < records.size(); i++) {
      ReplicaRecord record = records.get(i);
      ReplicationCore.WrittenAhead written;
      if (error != null) {
        written = new ReplicationCore.WrittenAhead(record, 0, error);
      } else {
        // A newer version written by a later write of this same batch means this one simply lost
        // to it (both are acknowledged, the later one wins): not superseded.
        long h =
            held[i] > record.version() && writtenInBatch(records, i, held[i])
                ? record.version()
                : held[i];
        written = new ReplicationCore.WrittenAhead(record, h, null);
      }
      writesAhead.increment();
      LocalWrite write = local.get(i).write();
      CompletionStage<Long> stage;
      try {
        stage = local.get(i).coordinator().write(written, write.consistency());
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      relay(write, stage, error == null);
    }
  }

  /**
   * Reads {@code key} here when this peer's replica answers it at {@code consistency}; returns the
   * completed result, or {@code null} when the request must go through the coordinator.
   */
  public CompletableFuture<Optional<StoredValue>> tryRead(byte[] key, Consistency consistency) {
    LocalPlacement current = placement.get();
    if (current == null || !current.readsLocally(key, consistency)) {
      return null;
    }
    ReplicaRecord record;
    try {
      record = store.readNow(key);
    } catch (RuntimeException e) {
      readsFailed.increment();
      return CompletableFuture.failedFuture(
          new RequestTimeoutException(
              false,
              consistency
                  + ": 0 of 1 replicas answered, last error: "
                  + ReplicationCore.describe(e)));
    }
    reads.increment();
    if (record == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    clock.observe(record.version());
    return CompletableFuture.completedFuture(
        record.isLive(epochMillis.getAsLong())
            ? Optional.of(
                new StoredValue(record.value(), record.expiresAtMillis(), record.version()))
            : Optional.empty());
  }

  /**
   * This peer's replica's answer for {@code key}, read on the caller's thread so that the node's
   * coordinator asks only the other replicas (its own part of the read skips the storage thread);
   * {@code null} when this peer is not one of the key's replicas or its engine failed (the
   * coordinator then reads as usual). Reads have no effect, so reading ahead of the coordinator is
   * like a replica answering early.
   */
  public ReplicationCore.LocalAnswer readAhead(byte[] key) {
    LocalPlacement current = placement.get();
    if (current == null || !current.isReplica(key)) {
      return null;
    }
    try {
      ReplicaRecord record = store.readNow(key);
      readsAhead.increment();
      return new ReplicationCore.LocalAnswer(record);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Writes this peer's replica applied ahead of the coordinator on this path. */
  public long writesAhead() {
    return writesAhead.sum();
  }

  /** Replica reads taken ahead of the coordinator on this path. */
  public long readsAhead() {
    return readsAhead.sum();
  }

  /** Writes acknowledged on this path. */
  public long writes() {
    return writes.sum();
  }

  /** Writes on this path that failed in the engine or stayed superseded (indeterminate). */
  public long writesIndeterminate() {
    return writesIndeterminate.sum();
  }

  /** Reads answered on this path. */
  public long reads() {
    return reads.sum();
  }

  /** Reads on this path the engine failed. */
  public long readsFailed() {
    return readsFailed.sum();
  }

  /** Writes stamped anew above a newer stored version. */
  public long restamped() {
    return restamped.sum();
  }

  /** Writes handed to the coordinator because the placement changed before they were applied. */
  public long fallbacks() {
    return fallbacks.sum();
  }
}
