package org.ppdb.storage.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.Record;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;
import org.ppdb.storage.WriteBatch;

/**
 * The LSM engine against a {@code TreeMap} model: seeded random sequences of puts (versions out of
 * order), deletes, batches, TTLs, snapshots, scans both ways, flushes, range compactions and
 * reopens. Every read is compared with the model. A failure names the seed and the step; rerun one
 * seed with {@code -Dppdb.seed=N}.
 */
class LsmModelTest {
  private static final long GRACE_MILLIS = 50;

  @TempDir Path tmp;

  /** A model record: value null for a tombstone; {@code at} = delete time for tombstones. */
  record M(byte[] value, long version, long expires, long at) {
    boolean tombstone() {
      return value == null;
    }

    Record toRecord() {
      return tombstone() ? Record.tombstone(version) : Record.put(value, version, expires);
    }

    boolean live(long now) {
      return !tombstone() && (expires == 0 || expires > now);
    }

    /** Whether the engine may already have purged it. */
    boolean purgeable(long now) {
      return tombstone() ? at + GRACE_MILLIS <= now : expires != 0 && expires + GRACE_MILLIS <= now;
    }

    /** The winner rule of StorageEngine's Javadoc. */
    boolean beats(M o) {
      if (version != o.version) {
        return version > o.version;
      }
      if (tombstone() || o.tombstone()) {
        return tombstone() && !o.tombstone();
      }
      long a = expires == 0 ? Long.MAX_VALUE : expires;
      long b = o.expires == 0 ? Long.MAX_VALUE : o.expires;
      if (a != b) {
        return a > b;
      }
      return Arrays.compareUnsigned(value, o.value) > 0;
    }
  }

  static final class Model {
    final TreeMap<byte[], M> map = new TreeMap<>(Arrays::compareUnsigned);

    void apply(byte[] key, M m) {
      M old = map.get(key);
      if (old == null || m.beats(old)) {
        map.put(key, m);
      }
    }
  }

  @Test
  void matchesModelWithInlineBackgroundWork() throws Exception {
    long base = Long.getLong("ppdb.seed", 0);
    int seeds = base != 0 ? 1 : 16;
    for (int i = 0; i < seeds; i++) {
      long seed = base != 0 ? base : 1000 + i;
      run(seed, 1500, Runnable::run, tmp.resolve("inline-" + seed));
    }
  }

  @Test
  void matchesModelWithBackgroundThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 4; i++) {
        run(2000 + i, 2000, pool, tmp.resolve("threads-" + i));
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  @Tag("slow")
  void matchesModelLongRuns() throws Exception {
    for (int i = 0; i < 200; i++) {
      run(5000 + i, 5000, Runnable::run, tmp.resolve("long-" + i));
    }
  }

  private void run(long seed, int steps, java.util.concurrent.Executor executor, Path dir)
      throws Exception {
    RandomGenerator rnd = new SplittableRandom(seed);
    ManualClock clock = new ManualClock(1_000_000);
    LsmOptions options =
        LsmOptions.builder()
            .memtableBytes(64 << 10)
            .tableFileBytes(64 << 10)
            .levelBaseBytes(1 << 20)
            .level0CompactionTrigger(2)
            .blockBytes(256 + rnd.nextInt(2048))
            .blockRestartInterval(1 + rnd.nextInt(16))
            .blockCacheBytes(rnd.nextBoolean() ? 0 : 1 << 20)
            .compression(
                rnd.nextBoolean()
                    ? org.ppdb.storage.Compression.LZ4
                    : org.ppdb.storage.Compression.NONE)
            .tombstoneGraceMillis(GRACE_MILLIS)
            .syncPolicy(SyncPolicy.never())
            .executor(executor)
            .clock(clock)
            .fileSystem(
                // Even seeds read tables through mapped views, odd ones with pread.
                new org.ppdb.storage.fs.FaultInjectingFileSystem()
                    .syncIsNoop(true)
                    .mapReads((seed & 1) == 0))
            .build();
    Model model = new Model();
    Map<Long, M> maxVersionByKey = new TreeMap<>();
    List<Object[]> snaps = new ArrayList<>(); // {Snapshot, TreeMap copy}
    int keySpace = 50 + rnd.nextInt(400);
    byte[] watch =
        System.getProperty("ppdb.watch") == null
            ? null
            : System.getProperty("ppdb.watch").getBytes(StandardCharsets.US_ASCII);
    int lastOp = -1;
    StorageEngine db = LsmStorage.open(dir, options);
    try {
      for (int step = 0; step < steps; step++) {
        String where = "seed=" + seed + " step=" + step;
        if (watch != null) {
          M wm = model.map.get(watch);
          Record wr = db.getRecord(watch);
          if (!(wm == null ? wr == null : wm.toRecord().equals(wr))) {
            System.err.println(
                "watched key diverged at "
                    + where
                    + " model="
                    + (wm == null ? null : wm.toRecord())
                    + " engine="
                    + wr
                    + " lastOp="
                    + lastOp);
            watch = null;
          }
        }
        clock.advance(rnd.nextInt(3));
        long now = clock.epochMillis();
        int op = rnd.nextInt(100);
        lastOp = op;
        if (op < 40) {
          int k = rnd.nextInt(keySpace);
          byte[] key = key(k);
          long version = version(model, key, rnd, now);
          byte[] value = value(rnd);
          long expires = rnd.nextInt(10) == 0 ? now + 1 + rnd.nextInt(100) : 0;
          db.put(key, value, version, expires);
          model.apply(key, new M(value, version, expires, now));
        } else if (op < 50) {
          byte[] key = key(rnd.nextInt(keySpace));
          long version = version(model, key, rnd, now);
          db.delete(key, version);
          model.apply(key, new M(null, version, 0, now));
        } else if (op < 55) {
          WriteBatch batch = new WriteBatch();
          List<Object[]> pending = new ArrayList<>();
          int n = 1 + rnd.nextInt(20);
          for (int i = 0; i < n; i++) {
            byte[] key = key(rnd.nextInt(keySpace));
            long version = version(model, key, rnd, now);
            if (rnd.nextInt(4) == 0) {
              batch.delete(key, version);
              pending.add(new Object[] {key, new M(null, version, 0, now)});
            } else {
              byte[] value = value(rnd);
              batch.put(key, value, version);
              pending.add(new Object[] {key, new M(value, version, 0, now)});
            }
          }
          db.write(batch);
          for (Object[] p : pending) {
            model.apply((byte[]) p[0], (M) p[1]);
          }
        } else if (op < 75) {
          byte[] key = key(rnd.nextInt(keySpace));
          checkGet(where, model.map, key, db.get(key), db.getRecord(key), now);
        } else if (op < 78) {
          snaps.add(new Object[] {db.snapshot(), new TreeMap<>(model.map)});
        } else if (op < 82 && !snaps.isEmpty()) {
          Object[] s = snaps.remove(rnd.nextInt(snaps.size()));
          @SuppressWarnings("unchecked")
          TreeMap<byte[], M> frozen = (TreeMap<byte[], M>) s[1];
          Snapshot snap = (Snapshot) s[0];
          for (int i = 0; i < 5; i++) {
            byte[] key = key(rnd.nextInt(keySpace));
            checkGet(where + " snapshot", frozen, key, snap.get(key), snap.getRecord(key), now);
          }
          checkScan(where + " snapshot", frozen, snap, rnd, keySpace, now);
          if (rnd.nextBoolean()) {
            snap.close();
          } else {
            snaps.add(s);
          }
        } else if (op < 88) {
          try (Snapshot snap = db.snapshot()) {
            checkScan(where, model.map, snap, rnd, keySpace, now);
          }
        } else if (op < 92) {
          db.flush();
        } else if (op < 95) {
          byte[] a = key(rnd.nextInt(keySpace));
          byte[] b = key(rnd.nextInt(keySpace));
          if (Arrays.compareUnsigned(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
          }
          db.compactRange(rnd.nextBoolean() ? null : a, rnd.nextBoolean() ? null : b);
        } else if (op < 97) {
          for (Object[] s : snaps) {
            ((Snapshot) s[0]).close();
          }
          snaps.clear();
          db.close();
          db = LsmStorage.open(dir, options);
        } else {
          assertThat(db.verify().files()).as(where).isGreaterThan(0);
        }
      }
      // Final full comparison.
      long now = clock.epochMillis();
      for (Map.Entry<byte[], M> e : model.map.entrySet()) {
        checkGet(
            "seed=" + seed + " final",
            model.map,
            e.getKey(),
            db.get(e.getKey()),
            db.getRecord(e.getKey()),
            now);
      }
    } finally {
      for (Object[] s : snaps) {
        ((Snapshot) s[0]).close();
      }
      db.close();
    }
    assertThat(maxVersionByKey).isEmpty();
  }

  /**
   * A version: usually random (out of order); above a purgeable winner's, so the outcome is
   * defined.
   */
  private static long version(Model model, byte[] key, RandomGenerator rnd, long now) {
    M m = model.map.get(key);
    if (m != null && m.purgeable(now)) {
      return m.version + 1 + rnd.nextInt(10);
    }
    return rnd.nextInt(1000);
  }

  private static byte[] key(int k) {
    return String.format("key%05d", k * 7919 % 100_000).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] value(RandomGenerator rnd) {
    byte[] v = new byte[rnd.nextInt(200)];
    rnd.nextBytes(v);
    if (rnd.nextBoolean()) {
      Arrays.fill(v, 0, v.length / 2, (byte) 'x');
    }
    return v;
  }

  private static void checkGet(
      String where, NavigableMap<byte[], M> map, byte[] key, byte[] got, Record record, long now) {
    M m = map.get(key);
    String k = new String(key, StandardCharsets.US_ASCII);
    byte[] expected = m != null && m.live(now) ? m.value : null;
    assertThat(got).as("%s get %s", where, k).isEqualTo(expected);
    if (m == null) {
      assertThat(record).as("%s getRecord %s", where, k).isNull();
    } else if (m.purgeable(now) && record == null) {
      // Purged after its grace period: allowed.
    } else {
      assertThat(record).as("%s getRecord %s", where, k).isEqualTo(m.toRecord());
    }
  }

  private static void checkScan(
      String where,
      NavigableMap<byte[], M> map,
      Snapshot snap,
      RandomGenerator rnd,
      int keySpace,
      long now) {
    byte[] from = rnd.nextInt(4) == 0 ? null : key(rnd.nextInt(keySpace));
    byte[] to = rnd.nextInt(4) == 0 ? null : key(rnd.nextInt(keySpace));
    boolean reverse = rnd.nextBoolean();
    boolean records = rnd.nextInt(3) == 0;
    NavigableMap<byte[], M> range = map;
    if (from != null && to != null && Arrays.compareUnsigned(from, to) > 0) {
      return;
    }
    if (from != null) {
      range = range.tailMap(from, true);
    }
    if (to != null) {
      range = range.headMap(to, false);
    }
    if (reverse) {
      range = range.descendingMap();
    }
    List<String> expected = new ArrayList<>();
    List<String> optional = new ArrayList<>();
    for (Map.Entry<byte[], M> e : range.entrySet()) {
      M m = e.getValue();
      String desc = describe(e.getKey(), m.tombstone() ? null : m.value, m.version);
      if (m.live(now)) {
        expected.add(desc);
      } else if (records) {
        (m.purgeable(now) ? optional : expected).add(desc);
      }
    }
    List<String> got = new ArrayList<>();
    try (Cursor c =
        records
            ? snap.scanRecords(from, to, reverse ? Direction.REVERSE : Direction.FORWARD)
            : snap.scan(from, to, reverse ? Direction.REVERSE : Direction.FORWARD)) {
      while (c.next()) {
        String desc = describe(c.key(), c.value(), c.version());
        if (!optional.contains(desc)) {
          got.add(desc);
        }
      }
    }
    assertThat(got)
        .as(
            "%s scan from=%s to=%s reverse=%s records=%s",
            where, str(from), str(to), reverse, records)
        .containsExactlyElementsOf(expected);
  }

  private static String str(byte[] b) {
    return b == null ? "null" : new String(b, StandardCharsets.US_ASCII);
  }

  private static String describe(byte[] key, byte[] value, long version) {
    return str(key)
        + "@"
        + version
        + "="
        + (value == null ? "<tombstone>" : Arrays.hashCode(value) + "/" + value.length);
  }

  static void deleteTree(Path p) throws java.io.IOException {
    if (Files.exists(p)) {
      try (var s = Files.walk(p)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
  }
}
