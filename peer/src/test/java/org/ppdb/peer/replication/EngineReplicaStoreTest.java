package org.ppdb.peer.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.ring.KeyHash;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.StorageStats;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.VerifyReport;
import org.ppdb.storage.WriteBatch;
import org.ppdb.storage.memory.MemoryStorage;

class EngineReplicaStoreTest {
  private final ArrayDeque<Runnable> nodeThread = new ArrayDeque<>();
  private final StorageEngine engine = MemoryStorage.open();
  private final EngineReplicaStore store =
      new EngineReplicaStore(engine, Runnable::run, nodeThread::add, () -> 1_000L);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void drain() {
    while (!nodeThread.isEmpty()) {
      nodeThread.poll().run();
    }
  }

  @Test
  void callbacksRunThroughTheNodeThreadNeverInline() {
    AtomicReference<Long> done = new AtomicReference<>(-1L);
    store.write(new ReplicaRecord(b("k"), b("v"), 5, 0), (held, e) -> done.set(held));
    assertThat(done.get()).isEqualTo(-1L);
    drain();
    assertThat(done.get()).isEqualTo(5L);
  }

  @Test
  void olderRecordsAreAbsorbedAndTombstonesReadBack() {
    AtomicReference<Long> held = new AtomicReference<>();
    store.write(new ReplicaRecord(b("k"), b("new"), 10, 0), (h, e) -> {});
    store.write(new ReplicaRecord(b("k"), b("old"), 9, 0), (h, e) -> held.set(h));
    drain();
    assertThat(held.get())
        .as("the older write reports the version that superseded it")
        .isEqualTo(10L);
    AtomicReference<ReplicaRecord> read = new AtomicReference<>();
    store.read(b("k"), (r, e) -> read.set(r));
    drain();
    assertThat(read.get().value()).isEqualTo(b("new"));
    store.write(ReplicaRecord.tombstone(b("k"), 11), (h, e) -> {});
    store.read(b("k"), (r, e) -> read.set(r));
    drain();
    assertThat(read.get().tombstone()).isTrue();
    assertThat(read.get().version()).isEqualTo(11);
  }

  /** An LSM engine that counts its point lookups. */
  private static final class CountingEngine implements StorageEngine {
    final StorageEngine inner;
    int lookups;

    CountingEngine(StorageEngine inner) {
      this.inner = inner;
    }

    @Override
    public byte[] get(byte[] key) {
      return inner.get(key);
    }

    @Override
    public Record getRecord(byte[] key) {
      lookups++;
      return inner.getRecord(key);
    }

    @Override
    public long versionCeiling() {
      return inner.versionCeiling();
    }

    @Override
    public void put(byte[] key, byte[] value, long version, long expiresAtMillis) {
      inner.put(key, value, version, expiresAtMillis);
    }

    @Override
    public void delete(byte[] key, long version) {
      inner.delete(key, version);
    }

    @Override
    public void write(WriteBatch batch) {
      inner.write(batch);
    }

    @Override
    public Snapshot snapshot() {
      return inner.snapshot();
    }

    @Override
    public void flush() {
      inner.flush();
    }

    @Override
    public void compactRange(byte[] fromInclusive, byte[] toExclusive) {
      inner.compactRange(fromInclusive, toExclusive);
    }

    @Override
    public void checkpoint(Path target) {
      inner.checkpoint(target);
    }

    @Override
    public VerifyReport verify() {
      return inner.verify();
    }

    @Override
    public StorageStats stats() {
      return inner.stats();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void aWriteAboveTheVersionCeilingIsNotReadBackAndEverySupersededOneIs(@TempDir Path dir) {
    LsmOptions options = LsmOptions.builder().syncPolicy(SyncPolicy.never()).build();
    try (CountingEngine lsm = new CountingEngine(LsmStorage.open(dir, options))) {
      EngineReplicaStore onLsm =
          new EngineReplicaStore(lsm, Runnable::run, nodeThread::add, () -> 1_000L);
      assertThat(onLsm.writeNow(new ReplicaRecord(b("k"), b("v"), 10, 0))).isEqualTo(10);
      assertThat(onLsm.writeAllNow(List.of(new ReplicaRecord(b("j"), b("v"), 11, 0))))
          .containsExactly(11);
      assertThat(lsm.lookups).as("writes above the ceiling").isZero();

      assertThat(onLsm.writeNow(new ReplicaRecord(b("k"), b("old"), 9, 0)))
          .as("an older write reports what superseded it")
          .isEqualTo(10);
      assertThat(
              onLsm.writeAllNow(
                  List.of(
                      new ReplicaRecord(b("n"), b("first"), 20, 0),
                      new ReplicaRecord(b("m"), b("v"), 21, 0),
                      new ReplicaRecord(b("n"), b("second"), 22, 0))))
          .as("two writes of one key in a batch: the first is superseded by the second")
          .containsExactly(22, 21, 22);
      AtomicReference<Long> held = new AtomicReference<>();
      onLsm.write(ReplicaRecord.tombstone(b("j"), 5), (h, e) -> held.set(h));
      drain();
      assertThat(held.get()).as("an older tombstone on a storage thread").isEqualTo(11);
      assertThat(lsm.lookups)
          .as("only the writes at or below the ceiling, or sharing a key")
          .isEqualTo(4);
    }
    try (StorageEngine reopened = LsmStorage.open(dir, options)) {
      EngineReplicaStore again =
          new EngineReplicaStore(reopened, Runnable::run, nodeThread::add, () -> 1_000L);
      assertThat(again.writeNow(new ReplicaRecord(b("n"), b("stale"), 21, 0)))
          .as("after reopen the ceiling comes from the tables")
          .isEqualTo(22);
    }
  }

  @Test
  void aStreamReturnsOnlyItsRangesInBoundedBatchesAndResumes() {
    List<ReplicaRecord> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ReplicaRecord record =
          new ReplicaRecord(b(String.format("key-%04d", i)), new byte[100], i + 1, 0);
      all.add(record);
    }
    store.writeAll(all, e -> {});
    drain();
    // Half the ring: positions in (0, Long.MAX_VALUE].
    TokenRanges ranges = new TokenRanges(new long[] {0}, new long[] {Long.MAX_VALUE});
    List<byte[]> streamed = new ArrayList<>();
    byte[] after = null;
    int batches = 0;
    do {
      AtomicReference<ReplicaStore.StreamResult> result = new AtomicReference<>();
      store.stream(ranges, after, 2_000, (r, e) -> result.set(r));
      drain();
      int bytes = 0;
      for (ReplicaRecord record : result.get().records()) {
        streamed.add(record.key());
        bytes += record.sizeBytes();
      }
      assertThat(bytes).isLessThanOrEqualTo(2_000);
      after = result.get().resumeAfter();
      batches++;
    } while (after != null && batches < 1_000);
    List<String> expected = new ArrayList<>();
    for (ReplicaRecord record : all) {
      if (KeyHash.position(record.key()) > 0) {
        expected.add(new String(record.key(), StandardCharsets.UTF_8));
      }
    }
    assertThat(streamed.stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList())
        .isEqualTo(expected);
    assertThat(batches).isGreaterThan(10);
  }

  @Test
  void aFullExecutorIsOverloadReportedOnTheNodeThread() {
    EngineReplicaStore refusing =
        new EngineReplicaStore(
            engine,
            r -> {
              throw new java.util.concurrent.RejectedExecutionException("full");
            },
            nodeThread::add,
            () -> 1_000L);
    AtomicReference<Throwable> done = new AtomicReference<>();
    refusing.write(new ReplicaRecord(b("k"), b("v"), 1, 0), (h, e) -> done.set(e));
    assertThat(done.get()).isNull();
    drain();
    assertThat(done.get()).isInstanceOf(OverloadedException.class);
  }
}
