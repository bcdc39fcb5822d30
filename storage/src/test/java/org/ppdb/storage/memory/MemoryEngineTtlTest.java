package org.ppdb.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;

/** Expiry of puts with a TTL and purging of tombstones after their grace period. */
class MemoryEngineTtlTest {
  private static final long startMillis = 1_000_000;
  private static final long graceMillis = 1_000;

  /** Caffeine's timer wheel removes an expired entry within its finest bucket (~1.07 s) of it. */
  private static final long timerWheelSlackMillis = 2_000;

  private final ManualClock clock = new ManualClock(startMillis);

  private MemoryEngine engine() {
    return (MemoryEngine)
        MemoryStorage.open(
            MemoryOptions.builder()
                .clock(clock)
                .executor(Runnable::run)
                .tombstoneGraceMillis(graceMillis)
                .build());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int count(Snapshot snapshot) {
    int n = 0;
    try (Cursor cursor = snapshot.scan(null, null, Direction.FORWARD)) {
      while (cursor.next()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void putIsVisibleUntilItsExpiryThenInvisibleAndPurged() {
    try (MemoryEngine engine = engine()) {
      engine.put(bytes("k"), bytes("v"), 1, startMillis + 100);
      engine.put(bytes("other"), bytes("w"), 1);
      clock.advanceMillis(99);
      assertThat(engine.get(bytes("k"))).isEqualTo(bytes("v"));
      try (Snapshot snapshot = engine.snapshot()) {
        assertThat(count(snapshot)).isEqualTo(2);
      }
      clock.advanceMillis(1);
      assertThat(engine.get(bytes("k"))).isNull();
      assertThat(engine.getRecord(bytes("k"))).as("purged exactly at the expiry").isNull();
      try (Snapshot snapshot = engine.snapshot()) {
        assertThat(count(snapshot)).isEqualTo(1);
      }
      // The cache's timer wheel removes the entry within about a second of its deadline.
      clock.advanceMillis(timerWheelSlackMillis);
      engine.flush();
      assertThat(engine.purges()).isEqualTo(1);
      assertThat(engine.getRecord(bytes("k"))).isNull();
      assertThat(engine.stats().evictions()).as("expiry is not eviction").isZero();
      assertThat(engine.stats().entriesApprox()).isEqualTo(1);
    }
  }

  @Test
  void putAlreadyExpiredIsNeverVisible() {
    try (MemoryEngine engine = engine()) {
      engine.put(bytes("k"), bytes("v"), 1, startMillis);
      assertThat(engine.get(bytes("k"))).isNull();
      engine.flush();
      assertThat(engine.stats().entriesApprox()).isZero();
    }
  }

  @Test
  void tombstoneBeatsLateOlderWritesUntilItsGraceEnds() {
    try (MemoryEngine engine = engine()) {
      engine.put(bytes("k"), bytes("v1"), 1);
      engine.delete(bytes("k"), 5);
      clock.advanceMillis(graceMillis - 1);
      engine.put(bytes("k"), bytes("late"), 3);
      assertThat(engine.get(bytes("k"))).isNull();
      assertThat(engine.getRecord(bytes("k"))).isEqualTo(Record.tombstone(5));

      clock.advanceMillis(1);
      assertThat(engine.getRecord(bytes("k"))).as("purged after the grace period").isNull();
      clock.advanceMillis(timerWheelSlackMillis);
      engine.flush();
      assertThat(engine.purges()).isEqualTo(1);
      // The documented contract: after the grace period a late older write is accepted.
      engine.put(bytes("k"), bytes("late"), 3);
      assertThat(engine.get(bytes("k"))).isEqualTo(bytes("late"));
    }
  }

  @Test
  void tombstoneIsNotPurgedWhileASnapshotSeesWhatItHides() {
    try (MemoryEngine engine = engine()) {
      engine.put(bytes("k"), bytes("v1"), 1);
      Snapshot snapshot = engine.snapshot();
      engine.delete(bytes("k"), 2);
      clock.advanceMillis(10 * graceMillis);
      engine.flush();
      engine.compactRange(null, null);
      assertThat(engine.get(bytes("k"))).isNull();
      assertThat(snapshot.get(bytes("k"))).isEqualTo(bytes("v1"));
      assertThat(engine.getRecord(bytes("k"))).isEqualTo(Record.tombstone(2));

      snapshot.close();
      engine.compactRange(null, null);
      assertThat(engine.getRecord(bytes("k"))).isNull();
      assertThat(engine.verify().blocks()).isZero();
    }
  }

  @Test
  void snapshotKeepsSeeingTheVersionAnExpiredPutReplaced() {
    try (MemoryEngine engine = engine()) {
      engine.put(bytes("k"), bytes("old"), 1);
      try (Snapshot snapshot = engine.snapshot()) {
        engine.put(bytes("k"), bytes("new"), 2, startMillis + 10);
        assertThat(engine.get(bytes("k"))).isEqualTo(bytes("new"));
        clock.advanceMillis(10);
        engine.flush();
        assertThat(engine.get(bytes("k"))).isNull();
        assertThat(snapshot.get(bytes("k"))).isEqualTo(bytes("old"));
      }
    }
  }
}
