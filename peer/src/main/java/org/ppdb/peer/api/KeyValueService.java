package org.ppdb.peer.api;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The key-value operations that client front ends need: what the replicated coordinator implements
 * across a key's replicas, and {@link LocalKeyValueService} over one local engine.
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>Keys and values are byte strings within the storage limits (key 64 KiB, value 16 MiB);
 *       callers check them before calling.
 *   <li>Every write gets a fresh version from the implementation's hybrid logical clock; the newest
 *       version wins on every replica (last writer wins). There is no compare-and-set: conditional
 *       commands (SET NX, GETDEL, EXPIRE) are a read followed by a write and may race with
 *       concurrent writers, whom last-writer-wins then orders.
 *   <li>Expired values are invisible to {@link #get} and {@link #scan}, like deleted ones.
 *   <li>Results: a completed stage is success; "not found" is {@link Optional#empty()}. Failures
 *       complete the stage exceptionally with a {@link KeyValueException} ({@link
 *       ReplicasUnavailableException}: nothing was attempted; {@link RequestTimeoutException}:
 *       indeterminate for writes; {@link OverloadedException}: refused) or a storage exception.
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * All methods are thread-safe and must not block the caller (a Netty event loop): blocking work
 * runs on executors the implementation owns and bounds. Stages may complete on any thread, or
 * already be complete when returned. Callers must not use the {@code *Async} methods of the stage
 * without an explicit executor.
 */
public interface KeyValueService {
  /** The live value of {@code key}, or empty if absent, deleted or expired. */
  CompletionStage<Optional<StoredValue>> get(byte[] key, Consistency consistency);

  /**
   * Writes {@code key -> value} with a new version, expiring at {@code expiresAtMillis} (absolute
   * epoch milliseconds, 0 for never), and completes with that version once {@code consistency} is
   * satisfied.
   */
  CompletionStage<Long> put(
      byte[] key, byte[] value, long expiresAtMillis, Consistency consistency);

  /**
   * Writes a tombstone for {@code key} with a new version and completes with that version once
   * {@code consistency} is satisfied (whether or not the key existed).
   */
  CompletionStage<Long> delete(byte[] key, Consistency consistency);

  /**
   * Writes {@code key -> value} ({@code value} null: a tombstone) with the version its client
   * stamped it with, expiring at {@code expiresAtMillis} (0 for never), and completes with the
   * version it was written with once {@code consistency} is satisfied. {@code version} 0 means
   * none: the service stamps the write, as {@link #put} and {@link #delete} do.
   *
   * <p>Client versions: a client that stamps every write from one clock that never goes back (its
   * own hybrid logical clock, {@link org.ppdb.peer.clock.HybridClock} laid out as {@link
   * org.ppdb.peer.clock.HlcTimestamp}) orders its writes whichever peers coordinate them. With
   * server stamps, two writes of one client through two coordinators are ordered by those peers'
   * clocks, and an earlier write that timed out (indeterminate) can win over a later acknowledged
   * one when its coordinator's clock is ahead. The coordinator's clock moves past the client's
   * version, so the writes it stamps later are newer. When a replica already holds a newer version
   * of the key, the coordinator stamps the write anew above it, as for any write: an acknowledged
   * write is never hidden by an older acknowledged one.
   *
   * <p>A version that is not positive, or more than {@link
   * org.ppdb.peer.clock.HybridClock#CLIENT_AHEAD_MAX_MILLIS} ahead of the coordinator's clock,
   * fails the stage with {@link VersionRejectedException}: nothing is written.
   */
  CompletionStage<Long> writeVersioned(
      byte[] key, byte[] value, long expiresAtMillis, long version, Consistency consistency);

  /**
   * Up to {@code limit} live keys greater than {@code afterKey} ({@code null}: from the first key),
   * ascending. Pages are read from a point-in-time view per call; keys written or deleted between
   * calls may or may not appear, but a key present for the whole scan is returned exactly once.
   *
   * @param limit 1 to the implementation's page limit
   */
  CompletionStage<ScanPage> scan(byte[] afterKey, int limit, Consistency consistency);

  /**
   * An estimate of the number of live keys (it may count deleted, expired and overwritten entries,
   * and, in a cluster, divides replica counts by N); cheap, never a full scan.
   */
  CompletionStage<Long> sizeEstimate();
}
