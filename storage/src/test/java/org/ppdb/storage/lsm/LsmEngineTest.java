package org.ppdb.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.storage.Compression;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.LimitExceededException;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageClosedException;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.WriteBatch;

class LsmEngineTest {
  @TempDir Path dir;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  LsmOptions small(ManualClock clock) {
    return LsmOptions.builder()
        .memtableBytes(64 << 10)
        .tableFileBytes(64 << 10)
        .levelBaseBytes(1 << 20)
        .syncPolicy(SyncPolicy.never())
        .executor(Runnable::run)
        .clock(clock)
        .build();
  }

  @Test
  void highestVersionWinsWhateverTheArrivalOrder() {
    try (StorageEngine db = LsmStorage.open(dir, small(new ManualClock(1000)))) {
      db.put(b("k"), b("v5"), 5);
      db.put(b("k"), b("v3"), 3);
      assertThat(db.get(b("k"))).isEqualTo(b("v5"));
      db.flush();
      db.put(b("k"), b("v4"), 4);
      assertThat(db.get(b("k"))).isEqualTo(b("v5"));
      db.delete(b("k"), 6);
      assertThat(db.get(b("k"))).isNull();
      assertThat(db.getRecord(b("k"))).isEqualTo(Record.tombstone(6));
      db.put(b("k"), b("v7"), 7);
      assertThat(db.get(b("k"))).isEqualTo(b("v7"));
    }
  }

  @Test
  void theVersionCeilingCoversEveryWriteAndSurvivesReopenWithoutTheLog() {
    try (StorageEngine db = LsmStorage.open(dir, small(new ManualClock(1000)))) {
      assertThat(db.versionCeiling()).as("empty engine").isEqualTo(Long.MIN_VALUE);
      db.put(b("a"), b("v"), 40);
      assertThat(db.versionCeiling()).isEqualTo(40);
      db.put(b("b"), b("v"), 12);
      assertThat(db.versionCeiling()).as("a lower version leaves it").isEqualTo(40);
      WriteBatch batch = new WriteBatch();
      batch.put(b("c"), b("v"), 55, 0);
      batch.delete(b("d"), 70);
      db.write(batch);
      assertThat(db.versionCeiling()).as("a tombstone in a batch counts").isEqualTo(70);
      db.flush();
      db.put(b("e"), b("v"), 60);
      assertThat(db.versionCeiling()).as("across a memtable switch").isEqualTo(70);
    }
    try (StorageEngine db = LsmStorage.open(dir, small(new ManualClock(1000)))) {
      assertThat(db.versionCeiling())
          .as("tables, and the log replayed into them, after reopen")
          .isEqualTo(70);
    }
  }

  @Test
  void tablesOfEitherCompressionAreReadAfterTheSettingChanges() {
    // A peer's default went from LZ4 to none: its existing tables must still read, and compaction
    // must merge tables of both kinds. The values compress well, so the LZ4 blocks are compressed.
    String pad = "x".repeat(100);
    LsmOptions lz4 = small(new ManualClock(1000)).toBuilder().compression(Compression.LZ4).build();
    LsmOptions none =
        small(new ManualClock(1000)).toBuilder().compression(Compression.NONE).build();
    try (StorageEngine db = LsmStorage.open(dir, lz4)) {
      for (int i = 0; i < 2_000; i++) {
        db.put(b("k" + i), b("lz4-" + i + pad), 1);
      }
      db.flush();
    }
    try (StorageEngine db = LsmStorage.open(dir, none)) {
      for (int i = 0; i < 2_000; i += 2) {
        db.put(b("k" + i), b("none-" + i + pad), 2);
      }
      db.flush();
      db.compactRange(null, null);
      for (int i = 0; i < 2_000; i++) {
        assertThat(db.get(b("k" + i)))
            .as("key %d after a compaction of both kinds", i)
            .isEqualTo(b((i % 2 == 0 ? "none-" : "lz4-") + i + pad));
      }
    }
    try (StorageEngine db = LsmStorage.open(dir, lz4)) {
      assertThat(db.get(b("k1999"))).isEqualTo(b("lz4-1999" + pad));
      assertThat(db.get(b("k1998"))).isEqualTo(b("none-1998" + pad));
      assertThat(db.verify().files())
          .as("verify reads every table, checksums included")
          .isPositive();
    }
  }

  @Test
  void equalVersionsAreResolvedByContent() {
    try (StorageEngine a = LsmStorage.open(dir.resolve("a"), small(new ManualClock(0)));
        StorageEngine c = LsmStorage.open(dir.resolve("c"), small(new ManualClock(0)))) {
      a.put(b("k"), b("x"), 1);
      a.put(b("k"), b("y"), 1);
      c.put(b("k"), b("y"), 1);
      c.flush();
      c.put(b("k"), b("x"), 1);
      assertThat(a.get(b("k"))).isEqualTo(b("y"));
      assertThat(c.get(b("k"))).isEqualTo(b("y"));
      a.delete(b("k"), 1);
      assertThat(a.getRecord(b("k"))).isEqualTo(Record.tombstone(1));
    }
  }

  @Test
  void dataSurvivesReopenFromLogAndTables() {
    ManualClock clock = new ManualClock(0);
    try (StorageEngine db = LsmStorage.open(dir, small(clock))) {
      for (int i = 0; i < 5000; i++) {
        db.put(b("key" + i), b("value" + i), i);
      }
      db.delete(b("key7"), 10_000);
    }
    try (StorageEngine db = LsmStorage.open(dir, small(clock))) {
      for (int i = 0; i < 5000; i++) {
        assertThat(db.get(b("key" + i))).as("key%d", i).isEqualTo(i == 7 ? null : b("value" + i));
      }
      assertThat(db.stats().levels().stream().mapToInt(l -> l.files()).sum()).isGreaterThan(0);
    }
  }

  @Test
  void expiredEntriesAreInvisibleAndHideOlderVersions() {
    ManualClock clock = new ManualClock(1000);
    try (StorageEngine db = LsmStorage.open(dir, small(clock))) {
      db.put(b("k"), b("old"), 1);
      db.put(b("k"), b("new"), 2, 1500);
      assertThat(db.get(b("k"))).isEqualTo(b("new"));
      clock.advance(600);
      assertThat(db.get(b("k"))).isNull();
      assertThat(db.getRecord(b("k"))).isEqualTo(Record.put(b("new"), 2, 1500));
    }
  }

  @Test
  void snapshotSeesPointInTimeAndScansBothWays() {
    try (StorageEngine db = LsmStorage.open(dir, small(new ManualClock(0)))) {
      for (int i = 0; i < 10; i++) {
        db.put(b("k" + i), b("a" + i), 1);
      }
      try (Snapshot s = db.snapshot()) {
        db.put(b("k3"), b("b3"), 2);
        db.delete(b("k4"), 2);
        db.flush();
        db.compactRange(null, null);
        assertThat(s.get(b("k3"))).isEqualTo(b("a3"));
        assertThat(s.get(b("k4"))).isEqualTo(b("a4"));
        try (Cursor c = s.scan(b("k2"), b("k6"), Direction.REVERSE)) {
          StringBuilder seen = new StringBuilder();
          while (c.next()) {
            seen.append(new String(c.key(), StandardCharsets.UTF_8)).append(' ');
          }
          assertThat(seen.toString()).isEqualTo("k5 k4 k3 k2 ");
        }
      }
      try (Snapshot s = db.snapshot();
          Cursor c = s.scanRecords(null, null, Direction.FORWARD)) {
        int n = 0;
        int tombstones = 0;
        while (c.next()) {
          n++;
          tombstones += c.isTombstone() ? 1 : 0;
        }
        assertThat(n).isEqualTo(10);
        assertThat(tombstones).isEqualTo(1);
      }
    }
  }

  @Test
  void batchIsAppliedAtomicallyAndLimitsAreEnforced() {
    try (StorageEngine db = LsmStorage.open(dir, small(new ManualClock(0)))) {
      WriteBatch batch =
          new WriteBatch().put(b("a"), b("1"), 1).put(b("b"), b("2"), 1).delete(b("a"), 2);
      db.write(batch);
      assertThat(db.get(b("a"))).isNull();
      assertThat(db.get(b("b"))).isEqualTo(b("2"));
      assertThatThrownBy(() -> db.put(new byte[70_000], b("x"), 1))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("keyBytes: 70000");
    }
  }

  @Test
  void closedEngineRejectsCalls() {
    StorageEngine db = LsmStorage.open(dir, small(new ManualClock(0)));
    db.close();
    db.close();
    assertThatThrownBy(() -> db.get(b("k"))).isInstanceOf(StorageClosedException.class);
    assertThatThrownBy(() -> db.put(b("k"), b("v"), 1)).isInstanceOf(StorageClosedException.class);
  }

  @Test
  void concurrentSyncedWritersShareGroupCommits() throws Exception {
    LsmOptions options =
        LsmOptions.builder()
            .memtableBytes(256 << 10)
            .syncPolicy(SyncPolicy.always())
            .clock(new ManualClock(0))
            .build();
    int threads = 8;
    int perThread = 300;
    try (StorageEngine db = LsmStorage.open(dir, options)) {
      Thread[] ts = new Thread[threads];
      java.util.concurrent.atomic.AtomicReference<Throwable> error =
          new java.util.concurrent.atomic.AtomicReference<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts[t] =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < perThread; i++) {
                      if (i % 10 == 0) {
                        db.write(
                            new WriteBatch()
                                .put(b("t" + id + "-" + i), b("v" + i), i)
                                .put(b("u" + id + "-" + i), b("w" + i), i));
                      } else {
                        db.put(b("t" + id + "-" + i), b("v" + i), i);
                      }
                    }
                  } catch (Throwable e) {
                    error.set(e);
                  }
                });
        ts[t].start();
      }
      for (Thread t : ts) {
        t.join();
      }
      assertThat(error.get()).isNull();
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < perThread; i++) {
          assertThat(db.get(b("t" + t + "-" + i))).isEqualTo(b("v" + i));
        }
      }
    }
    try (StorageEngine db = LsmStorage.open(dir, options)) {
      assertThat(db.get(b("u7-290"))).isEqualTo(b("w290"));
      assertThat(db.get(b("t3-299"))).isEqualTo(b("v299"));
    }
  }

  @Test
  void checkpointIsAnOpenableCopy() {
    Path copy = dir.resolve("copy");
    try (StorageEngine db = LsmStorage.open(dir.resolve("db"), small(new ManualClock(0)))) {
      for (int i = 0; i < 2000; i++) {
        db.put(b("key" + i), b("value" + i), i);
      }
      db.checkpoint(copy);
      db.put(b("after"), b("x"), 1);
    }
    try (StorageEngine db = LsmStorage.open(copy, small(new ManualClock(0)))) {
      assertThat(db.get(b("key1999"))).isEqualTo(b("value1999"));
      assertThat(db.get(b("after"))).isNull();
      assertThat(db.verify().files()).isGreaterThan(0);
    }
  }
}
