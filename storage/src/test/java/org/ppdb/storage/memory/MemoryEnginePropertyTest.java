package org.ppdb.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.WriteBatch;

/**
 * Seeded random sequences of puts, deletes, batches, snapshots, point reads, scans in both
 * directions, flushes and compactions, checked after every step against a {@link TreeMap} of
 * winning records. Two modes: arbitrary version order with no expiry reached and no eviction (every
 * read must match exactly), and increasing versions with TTLs and tombstone grace periods elapsing
 * on a manual clock (live reads must match exactly; a hidden record may be purged, but whatever the
 * engine returns must equal the model's).
 *
 * <p>Reproduce a failure with {@code -Dppdb.seed=N}: the seed is in every assertion message.
 */
class MemoryEnginePropertyTest {
  private static final int seedsPerMode = 25;
  private static final int stepsPerSeed = 2_500;
  private static final int keyPoolSize = 40;
  private static final int snapshotsOpenMax = 4;
  private static final long startMillis = 1_700_000_000_000L;

  @Test
  void arbitraryVersionOrderMatchesTreeMapModel() {
    for (long seed : seeds(1_000)) {
      new Run(seed, false).execute();
    }
  }

  @Test
  void expiryAndTombstonePurgeMatchTreeMapModel() {
    for (long seed : seeds(2_000)) {
      new Run(seed, true).execute();
    }
  }

  private static long[] seeds(long base) {
    String fixed = System.getProperty("ppdb.seed");
    if (fixed != null) {
      return new long[] {Long.parseLong(fixed)};
    }
    long[] seeds = new long[seedsPerMode];
    for (int i = 0; i < seeds.length; i++) {
      seeds[i] = base + i;
    }
    return seeds;
  }

  /** Whether {@code a} beats {@code b}: the rule of StorageEngine's Javadoc, written out again. */
  static boolean modelBeats(Record a, Record b) {
    if (a.version() != b.version()) {
      return a.version() > b.version();
    }
    if (a.tombstone() || b.tombstone()) {
      return a.tombstone() && !b.tombstone();
    }
    long ae = a.expiresAtMillis() == 0 ? Long.MAX_VALUE : a.expiresAtMillis();
    long be = b.expiresAtMillis() == 0 ? Long.MAX_VALUE : b.expiresAtMillis();
    if (ae != be) {
      return ae > be;
    }
    return Arrays.compareUnsigned(a.value(), b.value()) > 0;
  }

  private static final class Run {
    final long seed;
    final boolean timePasses;
    final RandomGenerator random;
    final ManualClock clock = new ManualClock(startMillis);
    final StorageEngine engine;
    final TreeMap<byte[], Record> model = new TreeMap<>(Arrays::compareUnsigned);
    final List<byte[]> keys = new ArrayList<>();
    final Map<Snapshot, TreeMap<byte[], Record>> snapshots = new HashMap<>();
    final List<Snapshot> snapshotOrder = new ArrayList<>();
    long nextVersion = 1;
    int step;

    Run(long seed, boolean timePasses) {
      this.seed = seed;
      this.timePasses = timePasses;
      this.random = new SplittableRandom(seed);
      this.engine =
          MemoryStorage.open(
              MemoryOptions.builder()
                  .memoryBytes(1L << 30) // never full: eviction is tested elsewhere
                  .tombstoneGraceMillis(timePasses ? 40 : Long.MAX_VALUE)
                  .clock(clock)
                  .executor(Runnable::run)
                  .build());
      byte[] alphabet = {0x00, 0x01, 0x41, 0x7f, (byte) 0x80, (byte) 0xff};
      for (int i = 0; i < keyPoolSize; i++) {
        byte[] key = new byte[random.nextInt(4)];
        for (int j = 0; j < key.length; j++) {
          key[j] = alphabet[random.nextInt(alphabet.length)];
        }
        keys.add(key);
      }
    }

    String where() {
      return "seed " + seed + " (timePasses " + timePasses + "), step " + step;
    }

    void execute() {
      try (engine) {
        for (step = 0; step < stepsPerSeed; step++) {
          int op = random.nextInt(100);
          if (op < 30) {
            byte[] key = randomKey();
            Record record = randomPut();
            engine.put(key, record.value(), record.version(), record.expiresAtMillis());
            apply(key, record);
          } else if (op < 42) {
            byte[] key = randomKey();
            long version = version();
            engine.delete(key, version);
            apply(key, Record.tombstone(version));
          } else if (op < 50) {
            WriteBatch batch = new WriteBatch();
            List<byte[]> batchKeys = new ArrayList<>();
            List<Record> batchRecords = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
              byte[] key = randomKey();
              Record record = random.nextInt(4) == 0 ? Record.tombstone(version()) : randomPut();
              if (record.tombstone()) {
                batch.delete(key, record.version());
              } else {
                batch.put(key, record.value(), record.version(), record.expiresAtMillis());
              }
              batchKeys.add(key);
              batchRecords.add(record);
            }
            engine.write(batch);
            for (int i = 0; i < batchKeys.size(); i++) {
              apply(batchKeys.get(i), batchRecords.get(i));
            }
          } else if (op < 62) {
            checkPoint(randomKey());
          } else if (op < 68) {
            if (snapshotOrder.size() < snapshotsOpenMax) {
              Snapshot snapshot = engine.snapshot();
              snapshots.put(snapshot, new TreeMap<>(model));
              snapshotOrder.add(snapshot);
            }
          } else if (op < 72) {
            if (!snapshotOrder.isEmpty()) {
              Snapshot snapshot = snapshotOrder.remove(random.nextInt(snapshotOrder.size()));
              snapshots.remove(snapshot);
              snapshot.close();
            }
          } else if (op < 80) {
            checkSnapshotPoint(randomKey());
          } else if (op < 92) {
            checkScan();
          } else if (op < 95) {
            engine.flush();
          } else if (op < 98) {
            byte[][] bounds = randomBounds();
            engine.compactRange(bounds[0], bounds[1]);
          } else {
            engine.verify();
          }
          if (timePasses) {
            clock.advanceMillis(random.nextInt(6));
          }
        }
        engine.verify();
        for (Snapshot snapshot : snapshotOrder) {
          snapshot.close();
        }
      }
    }

    long version() {
      return timePasses ? nextVersion++ : 1 + random.nextInt(30);
    }

    Record randomPut() {
      byte[] value = new byte[random.nextInt(12)];
      random.nextBytes(value);
      long expires = 0;
      if (random.nextInt(3) == 0) {
        expires =
            timePasses
                ? clock.epochMillis() + 1 + random.nextInt(50)
                : startMillis + 1_000_000 + random.nextInt(3); // never reached; ties likely
      }
      return Record.put(value, version(), expires);
    }

    byte[] randomKey() {
      return keys.get(random.nextInt(keys.size())).clone();
    }

    byte[][] randomBounds() {
      byte[] from = random.nextInt(3) == 0 ? null : randomKey();
      byte[] to = random.nextInt(3) == 0 ? null : randomKey();
      return new byte[][] {from, to};
    }

    void apply(byte[] key, Record record) {
      Record current = model.get(key);
      if (current == null || modelBeats(record, current)) {
        model.put(key, record);
      }
    }

    boolean live(Record record) {
      return record != null && record.isLive(clock.epochMillis());
    }

    void checkPoint(byte[] key) {
      Record expected = model.get(key);
      assertThat(engine.get(key))
          .as("get %s at %s", Arrays.toString(key), where())
          .isEqualTo(live(expected) ? expected.value() : null);
      checkRecord(engine.getRecord(key), expected, key);
    }

    void checkSnapshotPoint(byte[] key) {
      if (snapshotOrder.isEmpty()) {
        return;
      }
      Snapshot snapshot = snapshotOrder.get(random.nextInt(snapshotOrder.size()));
      Record expected = snapshots.get(snapshot).get(key);
      assertThat(snapshot.get(key))
          .as("snapshot get %s at %s", Arrays.toString(key), where())
          .isEqualTo(live(expected) ? expected.value() : null);
      checkRecord(snapshot.getRecord(key), expected, key);
    }

    /** Exact for live records; a hidden record may also be purged, never different. */
    void checkRecord(Record actual, Record expected, byte[] key) {
      if (!timePasses || live(expected) || actual != null) {
        assertThat(actual)
            .as("record of %s at %s", Arrays.toString(key), where())
            .isEqualTo(expected);
      }
    }

    void checkScan() {
      boolean atSnapshot = !snapshotOrder.isEmpty() && random.nextBoolean();
      Snapshot snapshot =
          atSnapshot ? snapshotOrder.get(random.nextInt(snapshotOrder.size())) : engine.snapshot();
      TreeMap<byte[], Record> state = atSnapshot ? snapshots.get(snapshot) : model;
      byte[][] bounds = randomBounds();
      Direction direction = random.nextBoolean() ? Direction.FORWARD : Direction.REVERSE;
      boolean records = random.nextInt(3) == 0;
      NavigableMap<byte[], Record> range = slice(state, bounds[0], bounds[1]);
      if (direction == Direction.REVERSE) {
        range = range.descendingMap();
      }
      List<String> expected = new ArrayList<>();
      for (Map.Entry<byte[], Record> e : range.entrySet()) {
        if (live(e.getValue()) || (records && !timePasses)) {
          expected.add(describe(e.getKey(), e.getValue()));
        }
      }
      List<String> actual = new ArrayList<>();
      try (Cursor cursor =
          records
              ? snapshot.scanRecords(bounds[0], bounds[1], direction)
              : snapshot.scan(bounds[0], bounds[1], direction)) {
        while (cursor.next()) {
          Record record =
              new Record(
                  cursor.value(), cursor.version(), cursor.expiresAtMillis(), cursor.isTombstone());
          if (records && timePasses && !live(record)) {
            // May be present or purged; if present it must be the model's record.
            assertThat(record)
                .as("hidden record %s at %s", Arrays.toString(cursor.key()), where())
                .isEqualTo(state.get(cursor.key()));
            continue;
          }
          actual.add(describe(cursor.key(), record));
        }
      } finally {
        if (!atSnapshot) {
          snapshot.close();
        }
      }
      assertThat(actual)
          .as(
              "%s %s [%s, %s) at %s (%s)",
              records ? "scanRecords" : "scan",
              direction,
              bounds[0] == null ? "-" : Arrays.toString(bounds[0]),
              bounds[1] == null ? "-" : Arrays.toString(bounds[1]),
              where(),
              atSnapshot ? "snapshot" : "latest")
          .isEqualTo(expected);
    }

    static NavigableMap<byte[], Record> slice(
        TreeMap<byte[], Record> state, byte[] from, byte[] to) {
      if (from != null && to != null) {
        return Arrays.compareUnsigned(from, to) >= 0
            ? new TreeMap<>(Arrays::compareUnsigned)
            : state.subMap(from, true, to, false);
      }
      if (from != null) {
        return state.tailMap(from, true);
      }
      if (to != null) {
        return state.headMap(to, false);
      }
      return state;
    }

    static String describe(byte[] key, Record record) {
      return Arrays.toString(key)
          + "="
          + record
          + (record.tombstone() ? "" : Arrays.toString(record.value()));
    }
  }
}
