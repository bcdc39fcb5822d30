package org.ppdb.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.ReadOnlyException;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.StorageException;
import org.ppdb.storage.StorageIoException;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.fs.FaultInjectingFileSystem;
import org.ppdb.storage.fs.FaultInjectingFileSystem.Op;

/** Injected I/O errors on write, sync, read and rename. */
class IoErrorTest {
  private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem();
  private final Path dir = Path.of("/io/db");

  private LsmOptions options() {
    return LsmOptions.builder()
        .memtableBytes(64 << 10)
        .syncPolicy(SyncPolicy.always())
        .executor(Runnable::run)
        .clock(new ManualClock(0))
        .fileSystem(fs)
        .blockCacheBytes(0)
        .build();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void failedSyncMakesTheEngineReadOnlyAndNothingLaterIsAcknowledged() {
    StorageEngine db = LsmStorage.open(dir, options());
    db.put(b("before"), b("1"), 1);
    fs.failAfter(Op.SYNC, 1);
    assertThatThrownBy(() -> db.put(b("failed"), b("2"), 1))
        .isInstanceOf(ReadOnlyException.class)
        .hasMessageContaining("sync failed");
    int syncsBefore = fs.count(Op.SYNC);
    for (int i = 0; i < 5; i++) {
      int n = i;
      assertThatThrownBy(() -> db.put(b("later" + n), b("3"), 1))
          .isInstanceOf(ReadOnlyException.class)
          .hasMessageContaining("read-only");
    }
    assertThat(fs.count(Op.SYNC)).as("no retried sync").isEqualTo(syncsBefore);
    assertThat(db.get(b("before"))).isEqualTo(b("1"));
    assertThat(db.stats().readOnly()).isTrue();
    assertThatThrownBy(db::flush).isInstanceOf(ReadOnlyException.class);
    db.close();
    try (StorageEngine again = LsmStorage.open(dir, options())) {
      assertThat(again.get(b("before"))).isEqualTo(b("1"));
      assertThat(again.get(b("later0"))).isNull();
      again.put(b("after"), b("4"), 1);
      assertThat(again.get(b("after"))).isEqualTo(b("4"));
    }
  }

  @Test
  void failedAppendMakesTheEngineReadOnly() {
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      fs.failAfter(Op.WRITE, 1);
      assertThatThrownBy(() -> db.put(b("k"), b("v"), 1)).isInstanceOf(ReadOnlyException.class);
      assertThatThrownBy(() -> db.delete(b("k"), 2)).isInstanceOf(ReadOnlyException.class);
    }
  }

  @Test
  void failedFlushStopsWritesWithTheCause() {
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      db.put(b("k"), b("v"), 1);
      fs.failAfter(Op.CREATE, 2); // the new WAL segment succeeds, the table file fails
      assertThatThrownBy(db::flush).isInstanceOf(StorageException.class);
      assertThatThrownBy(() -> db.put(b("k2"), b("v"), 1)).isInstanceOf(ReadOnlyException.class);
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
    }
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
    }
  }

  @Test
  void failedReadIsReportedAndLeavesTheEngineUsable() {
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      db.put(b("k"), b("v"), 1);
      db.flush();
    }
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      fs.failAfter(Op.READ, 1);
      assertThatThrownBy(() -> db.get(b("k"))).isInstanceOf(StorageIoException.class);
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
      db.put(b("k2"), b("v2"), 1);
    }
  }

  @Test
  void failedRenameOfCurrentFailsOpenWithoutDamage() {
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      db.put(b("k"), b("v"), 1);
    }
    fs.failAfter(Op.RENAME, 1);
    assertThatThrownBy(() -> LsmStorage.open(dir, options()))
        .isInstanceOf(StorageIoException.class);
    try (StorageEngine db = LsmStorage.open(dir, options())) {
      assertThat(db.get(b("k"))).isEqualTo(b("v"));
    }
  }
}
