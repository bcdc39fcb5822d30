package org.ppdb.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageClosedException;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.WriteBatch;

/** Behaviour of the in-memory engine beyond the model test: ordering, copies, errors, races. */
class MemoryEngineTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static StorageEngine engine() {
    return MemoryStorage.open(
        MemoryOptions.builder().clock(new ManualClock(1_000)).executor(Runnable::run).build());
  }

  private static List<String> keys(Cursor cursor) {
    List<String> keys = new ArrayList<>();
    try (cursor) {
      while (cursor.next()) {
        keys.add(new String(cursor.key(), StandardCharsets.ISO_8859_1));
      }
    }
    return keys;
  }

  @Test
  void scansFollowUnsignedKeyOrderInBothDirections() {
    try (StorageEngine engine = engine()) {
      for (String key : List.of("b", "a", "\u00ff", "ab", "", "\u0080")) {
        engine.put(key.getBytes(StandardCharsets.ISO_8859_1), bytes("v"), 1);
      }
      try (Snapshot snapshot = engine.snapshot()) {
        assertThat(keys(snapshot.scan(null, null, Direction.FORWARD)))
            .containsExactly("", "a", "ab", "b", "\u0080", "\u00ff");
        assertThat(keys(snapshot.scan(bytes("a"), bytes("b"), Direction.REVERSE)))
            .containsExactly("ab", "a");
        assertThat(keys(snapshot.scan(bytes("b"), bytes("a"), Direction.FORWARD))).isEmpty();
      }
    }
  }

  @Test
  void highestVersionWinsWhateverTheArrivalOrder() {
    try (StorageEngine engine = engine()) {
      engine.put(bytes("k"), bytes("v3"), 3);
      engine.put(bytes("k"), bytes("v1"), 1);
      engine.delete(bytes("k"), 2);
      assertThat(engine.get(bytes("k"))).isEqualTo(bytes("v3"));
      engine.delete(bytes("k"), 3); // same version: the tombstone wins
      assertThat(engine.get(bytes("k"))).isNull();
      assertThat(engine.getRecord(bytes("k"))).isEqualTo(Record.tombstone(3));
    }
  }

  @Test
  void valuesAreCopiedInAndOut() {
    try (StorageEngine engine = engine()) {
      byte[] value = bytes("abc");
      engine.put(bytes("k"), value, 1);
      value[0] = 'X';
      byte[] read = engine.get(bytes("k"));
      read[1] = 'Y';
      assertThat(engine.get(bytes("k"))).isEqualTo(bytes("abc"));
    }
  }

  @Test
  void snapshotSeesAWholeBatchOrNoneOfItUnderConcurrentWrites() throws Exception {
    long seed = 7;
    SplittableRandom random = new SplittableRandom(seed);
    try (StorageEngine engine =
        MemoryStorage.open(MemoryOptions.builder().executor(Runnable::run).build())) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<String> failure = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                while (!done.get() && failure.get() == null) {
                  try (Snapshot snapshot = engine.snapshot()) {
                    byte[] a = snapshot.get(bytes("a"));
                    byte[] b = snapshot.get(bytes("b"));
                    List<String> scanned = keys(snapshot.scan(null, null, Direction.FORWARD));
                    if (a == null ? b != null : !java.util.Arrays.equals(a, b)) {
                      failure.set(
                          "torn batch: a=" + (a == null ? null : new String(a)) + " b=" + b);
                    } else if (a != null && scanned.size() != 2) {
                      failure.set("scan saw " + scanned);
                    }
                  }
                }
              });
      reader.start();
      for (int i = 1; i <= 20_000; i++) {
        byte[] value = bytes(Integer.toString(random.nextInt()));
        engine.write(new WriteBatch().put(bytes("a"), value, i).put(bytes("b"), value, i));
      }
      done.set(true);
      reader.join();
      assertThat(failure.get()).as("seed %d", seed).isNull();
    }
  }

  @Test
  void closedEngineSnapshotAndCursorRefuseWork() {
    StorageEngine engine = engine();
    engine.put(bytes("k"), bytes("v"), 1);
    Snapshot snapshot = engine.snapshot();
    Cursor cursor = snapshot.scan(null, null, Direction.FORWARD);
    engine.close();
    engine.close(); // idempotent
    assertThatThrownBy(() -> engine.get(bytes("k"))).isInstanceOf(StorageClosedException.class);
    assertThatThrownBy(() -> engine.put(bytes("k"), bytes("v"), 2))
        .isInstanceOf(StorageClosedException.class);
    assertThatThrownBy(engine::snapshot).isInstanceOf(StorageClosedException.class);
    assertThatThrownBy(() -> snapshot.get(bytes("k"))).isInstanceOf(StorageClosedException.class);
    assertThatThrownBy(cursor::next).isInstanceOf(StorageClosedException.class);
  }

  @Test
  void closingTheSnapshotClosesItsCursors() {
    try (StorageEngine engine = engine()) {
      engine.put(bytes("k"), bytes("v"), 1);
      Snapshot snapshot = engine.snapshot();
      Cursor cursor = snapshot.scan(null, null, Direction.FORWARD);
      snapshot.close();
      assertThatThrownBy(cursor::next).isInstanceOf(StorageClosedException.class);
    }
  }

  @Test
  void aBatchWithOneOversizedValueIsRefusedWhole() {
    try (StorageEngine engine =
        MemoryStorage.open(
            MemoryOptions.builder().valueBytesMax(4).executor(Runnable::run).build())) {
      WriteBatch batch =
          new WriteBatch().put(bytes("a"), bytes("ok"), 1).put(bytes("b"), bytes("too long"), 1);
      assertThatThrownBy(() -> engine.write(batch))
          .isInstanceOf(org.ppdb.storage.LimitExceededException.class)
          .hasMessage("valueBytes: 8 (expected: <= 4)");
      assertThat(engine.getRecord(bytes("a"))).isNull();
      assertThat(engine.stats().userBytesWritten()).isZero();
    }
  }

  @Test
  void checkpointIsUnsupportedWithoutFiles() {
    try (StorageEngine engine = engine()) {
      assertThatThrownBy(() -> engine.checkpoint(Path.of("backup")))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("no files");
    }
  }

  @Test
  void statsCountUserBytesAndLookups() {
    try (StorageEngine engine = engine()) {
      engine.put(bytes("k"), bytes("value"), 1);
      engine.delete(bytes("gone"), 1);
      engine.get(bytes("k"));
      engine.get(bytes("absent"));
      var stats = engine.stats();
      assertThat(stats.userBytesWritten()).isEqualTo(1 + 5 + 4);
      assertThat(stats.blockCache().hits()).isEqualTo(1);
      assertThat(stats.blockCache().misses()).isEqualTo(1);
      assertThat(stats.entriesApprox()).isEqualTo(2);
      assertThat(stats.levels()).isEmpty();
    }
  }
}
