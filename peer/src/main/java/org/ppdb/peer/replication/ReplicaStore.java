package org.ppdb.peer.replication;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A replica's local data as the node's core sees it: asynchronous, because storage may block on I/O
 * while the core runs on the node's single thread. The production store ({@link
 * EngineReplicaStore}) runs the work on a bounded storage executor over a {@link
 * org.ppdb.storage.StorageEngine}; the simulator's completes after a simulated delay.
 *
 * <p>Contract: every callback runs later on the node's thread (never inline, inside the call that
 * asked for it), exactly once. A store that cannot take more work completes at once (later, on the
 * node's thread) with an {@link org.ppdb.peer.api.OverloadedException}.
 */
public interface ReplicaStore {

  /**
   * Applies {@code record} if it is newer than the stored one (an older record is a successful
   * no-op: last writer wins); once it is durable under the store's sync policy, {@code done} gets
   * the version the store now holds for the key (the record's own, or a higher one that superseded
   * it), or the failure.
   */
  void write(ReplicaRecord record, BiConsumer<Long, Throwable> done);

  /** Applies several records as {@link #write} does, in one batch. */
  void writeAll(List<ReplicaRecord> records, Consumer<Throwable> done);

  /** The stored record of {@code key} (value or tombstone, even if expired), or {@code null}. */
  void read(byte[] key, BiConsumer<ReplicaRecord, Throwable> done);

  /**
   * Up to {@code limit} keys with live values greater than {@code afterKey} (null: from the start),
   * ascending; the boolean says whether more follow.
   */
  void scan(byte[] afterKey, int limit, BiConsumer<ScanResult, Throwable> done);

  /**
   * Records (values and tombstones) whose keys hash into {@code ranges}, in key order after {@code
   * afterKey}, about {@code bytesMax} bytes of them, examining at most a bounded number of keys per
   * call; the result says where to resume.
   */
  void stream(
      TokenRanges ranges, byte[] afterKey, int bytesMax, BiConsumer<StreamResult, Throwable> done);

  /** An estimate of the records stored here (cheap). */
  long sizeEstimate();

  /** A page of {@link #scan}. */
  record ScanResult(List<byte[]> keys, boolean more) {}

  /** A batch of {@link #stream}; {@code resumeAfter} null when the store has nothing after it. */
  record StreamResult(List<ReplicaRecord> records, byte[] resumeAfter) {}
}
