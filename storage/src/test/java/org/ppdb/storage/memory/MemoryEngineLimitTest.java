package org.ppdb.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.LimitExceededException;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageStats;

/** The memory limit: it holds, evictions are counted and visible, and eviction keeps hot keys. */
class MemoryEngineLimitTest {
  private static final long memoryBytes = 64 * 1024;
  private static final int valueBytes = 100;
  private static final int keyBytes = 8;
  private static final int entryWeight = keyBytes + valueBytes + MemoryOptions.ENTRY_OVERHEAD_BYTES;

  private static MemoryEngine engine() {
    return (MemoryEngine)
        MemoryStorage.open(
            MemoryOptions.builder()
                .memoryBytes(memoryBytes)
                .clock(new ManualClock(1_000))
                .executor(Runnable::run)
                .build());
  }

  private static byte[] key(int i) {
    return String.format("k%07d", i).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void weightStaysWithinLimitAndEveryMissingKeyIsACountedEviction() {
    int written = 2_000;
    try (MemoryEngine engine = engine()) {
      byte[] value = new byte[valueBytes];
      for (int i = 0; i < written; i++) {
        engine.put(key(i), value, 1);
        engine.cleanUp();
        assertThat(engine.stats().memtableBytes())
            .as("weight after put %d", i)
            .isLessThanOrEqualTo(memoryBytes);
      }
      engine.flush();
      int present = 0;
      try (Snapshot snapshot = engine.snapshot();
          Cursor cursor = snapshot.scan(null, null, Direction.FORWARD)) {
        while (cursor.next()) {
          present++;
        }
      }
      int found = 0;
      for (int i = 0; i < written; i++) {
        if (engine.getRecord(key(i)) != null) {
          found++;
        }
      }
      StorageStats stats = engine.stats();
      assertThat(present).as("scan and point reads agree").isEqualTo(found);
      assertThat(present).isGreaterThan(0).isLessThanOrEqualTo((int) (memoryBytes / entryWeight));
      assertThat(stats.evictions()).isEqualTo(written - present);
      assertThat(stats.memtableBytes()).isEqualTo((long) present * entryWeight);
      assertThat(stats.blockCache().evictions()).isEqualTo(stats.evictions());
      assertThat(stats.blockCache().capacityBytes()).isEqualTo(memoryBytes);
      assertThat(engine.verify().blocks()).isEqualTo(present);
    }
  }

  @Test
  void frequentlyReadKeysSurviveAFloodOfOneOffWrites() {
    long seed = 42;
    SplittableRandom random = new SplittableRandom(seed);
    int hotKeys = 50;
    try (MemoryEngine engine = engine()) {
      byte[] value = new byte[valueBytes];
      for (int i = 0; i < hotKeys; i++) {
        engine.put(key(i), value, 1);
      }
      for (int round = 0; round < 20 * hotKeys; round++) {
        engine.get(key(random.nextInt(hotKeys)));
      }
      for (int i = 0; i < 3_000; i++) {
        engine.put(key(1_000_000 + i), value, 1);
        if (i % 10 == 0) {
          engine.get(key(random.nextInt(hotKeys))); // hot keys stay hot during the flood
        }
      }
      engine.flush();
      int survivors = 0;
      for (int i = 0; i < hotKeys; i++) {
        if (engine.getRecord(key(i)) != null) {
          survivors++;
        }
      }
      // LRU or FIFO would keep none of them: 3,000 newer entries went through a cache of ~160.
      assertThat(survivors)
          .as("hot keys kept (seed %d)", seed)
          .isGreaterThanOrEqualTo(hotKeys * 9 / 10);
      int present = 0;
      try (Snapshot snapshot = engine.snapshot();
          Cursor cursor = snapshot.scan(null, null, Direction.FORWARD)) {
        while (cursor.next()) {
          present++;
        }
      }
      assertThat(engine.stats().evictions()).isEqualTo(3_000 + hotKeys - present);
    }
  }

  @Test
  void indexAndCacheAgreeAfterConcurrentWritesEvictionsAndSnapshots() throws Exception {
    long seed = 11;
    ExecutorService maintenance = Executors.newSingleThreadExecutor();
    try (MemoryEngine engine =
        (MemoryEngine)
            MemoryStorage.open(
                MemoryOptions.builder().memoryBytes(memoryBytes).executor(maintenance).build())) {
      List<Thread> writers = new ArrayList<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      for (int t = 0; t < 3; t++) {
        SplittableRandom random = new SplittableRandom(seed + t);
        Thread writer =
            new Thread(
                () -> {
                  try {
                    for (int i = 0; i < 5_000; i++) {
                      byte[] key = key(random.nextInt(1_000));
                      int op = random.nextInt(10);
                      if (op < 6) {
                        engine.put(key, new byte[random.nextInt(valueBytes)], random.nextInt(50));
                      } else if (op < 8) {
                        engine.delete(key, random.nextInt(50));
                      } else {
                        try (Snapshot snapshot = engine.snapshot();
                            Cursor cursor = snapshot.scan(key, null, Direction.FORWARD)) {
                          for (int n = 0; n < 5 && cursor.next(); n++) {
                            cursor.value();
                          }
                        }
                      }
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                });
        writers.add(writer);
        writer.start();
      }
      for (Thread writer : writers) {
        writer.join();
      }
      maintenance.shutdown();
      assertThat(maintenance.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(failure.get()).as("seed %d", seed).isNull();
      engine.cleanUp(); // runs any maintenance left on the calling thread
      assertThat(engine.stats().memtableBytes())
          .as("seed %d", seed)
          .isLessThanOrEqualTo(memoryBytes);
      assertThat(engine.stats().evictions()).as("seed %d", seed).isPositive();
      assertThat(engine.verify().bytes())
          .as("seed %d", seed)
          .isEqualTo(engine.stats().memtableBytes());
    }
  }

  @Test
  void anEntryLargerThanTheLimitIsRefusedAndChangesNothing() {
    try (MemoryEngine engine = engine()) {
      engine.put(key(1), new byte[10], 1);
      assertThatThrownBy(() -> engine.put(key(2), new byte[(int) memoryBytes], 1))
          .isInstanceOf(LimitExceededException.class)
          .hasMessageContaining("entryBytes: ")
          .hasMessageContaining("expected: <= memoryBytes " + memoryBytes);
      assertThat(engine.getRecord(key(2))).isNull();
      assertThat(engine.get(key(1))).hasSize(10);
      assertThat(engine.stats().evictions()).isZero();
    }
  }

  @Test
  void configuredKeyAndValueLimitsAreEnforced() {
    try (var engine =
        MemoryStorage.open(MemoryOptions.builder().keyBytesMax(4).valueBytesMax(8).build())) {
      assertThatThrownBy(() -> engine.put(new byte[5], new byte[1], 1))
          .isInstanceOf(LimitExceededException.class)
          .hasMessage("keyBytes: 5 (expected: <= 4)");
      assertThatThrownBy(() -> engine.put(new byte[1], new byte[9], 1))
          .isInstanceOf(LimitExceededException.class)
          .hasMessage("valueBytes: 9 (expected: <= 8)");
    }
  }

  @Test
  void optionsAreValidated() {
    assertThatThrownBy(() -> MemoryOptions.builder().memoryBytes(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memoryBytes: 1 (expected: >= 4096 and <= 1099511627776)");
    assertThatThrownBy(() -> MemoryOptions.builder().tombstoneGraceMillis(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tombstoneGraceMillis: -1");
  }
}
