package org.ppdb.peer.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ppdb.peer.api.OverloadedException;
import org.ppdb.peer.ring.KeyHash;
import org.ppdb.storage.StorageEngine;
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
