package org.ppdb.storage.memtable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Record;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.sstable.BloomFilter;

/**
 * The point-read index: reads through it return exactly what a model of the records says, at every
 * snapshot, across growth and when it runs out of room, and concurrent readers never miss a
 * published record.
 */
class MemtableIndexTest {
  private record Rec(long version, long seq, int kind, long aux, byte[] value) {}

  /** Records per key, keyed by the key's {@code Arrays.toString}; insertion order. */
  private static final class Model {
    final Map<String, List<Rec>> byKey = new HashMap<>();
    final Map<String, byte[]> keys = new TreeMap<>();

    void add(byte[] key, Rec rec) {
      String k = Arrays.toString(key);
      byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(rec);
      keys.put(k, key);
    }

    Record expected(byte[] key, long snapshotSeq) {
      RecordHolder want = new RecordHolder();
      for (Rec rec : byKey.getOrDefault(Arrays.toString(key), List.of())) {
        if (rec.seq <= snapshotSeq) {
          byte[] v = rec.value == null ? new byte[0] : rec.value;
          want.offer(rec.version, rec.kind, rec.aux, v, 0, v.length);
        }
      }
      return want.toRecord();
    }

    boolean holds(byte[] key) {
      return byKey.containsKey(Arrays.toString(key));
    }
  }

  private static Record get(Memtable mem, byte[] key, long snapshotSeq) {
    RecordHolder h = new RecordHolder();
    mem.get(key, snapshotSeq, h);
    return h.toRecord();
  }

  private static Rec randomRec(SplittableRandom r, long seq) {
    int kind = r.nextInt(3);
    byte[] value = null;
    if (kind != InternalKeys.KIND_TOMBSTONE) {
      value = new byte[r.nextInt(4)];
      r.nextBytes(value);
    }
    // Few versions, so ties between equal versions (decided by content) are common.
    long version = r.nextLong(-3, 8);
    long aux = kind == InternalKeys.KIND_PUT ? 0 : r.nextLong(1, 5);
    return new Rec(version, seq, kind, aux, value);
  }

  private static void add(Memtable mem, Model model, byte[] key, Rec rec) {
    mem.add(key, rec.version, rec.seq, rec.kind, rec.aux, rec.value);
    model.add(key, rec);
  }

  /** Sequences 1..n in a seeded random order: the index must not rely on ascending ones. */
  private static long[] shuffledSeqs(SplittableRandom r, int n) {
    long[] seqs = new long[n];
    for (int i = 0; i < n; i++) {
      seqs[i] = i + 1;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      long t = seqs[i];
      seqs[i] = seqs[j];
      seqs[j] = t;
    }
    return seqs;
  }

  private static void checkAll(
      Memtable mem, Model model, List<byte[]> probes, long seqMax, long seed) {
    for (byte[] key : probes) {
      boolean held = model.holds(key);
      assertThat(mem.containsKey(key, key.length))
          .as("seed=%d containsKey %s", seed, Arrays.toString(key))
          .isEqualTo(held);
      if (held) {
        assertThat(mem.mayContain(BloomFilter.hash(key, 0, key.length)))
            .as("seed=%d mayContain %s", seed, Arrays.toString(key))
            .isTrue();
      }
      for (long snap = 0; snap <= seqMax; snap++) {
        assertThat(get(mem, key, snap))
            .as("seed=%d get %s at snapshot %d", seed, Arrays.toString(key), snap)
            .isEqualTo(model.expected(key, snap));
      }
    }
  }

  @Test
  void readsMatchTheModelAtEverySnapshot() {
    for (long seed = 1; seed <= 30; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      Memtable mem = new Memtable(1, 1 << 20);
      Model model = new Model();
      int n = 300 + r.nextInt(200);
      boolean ascending = seed % 2 == 0;
      long[] seqs = shuffledSeqs(r, n);
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[r.nextInt(10) == 0 ? 1 + r.nextInt(60) : 1 + r.nextInt(2)];
        for (int b = 0; b < key.length; b++) {
          key[b] = (byte) r.nextInt(5);
        }
        Rec rec = randomRec(r, ascending ? i + 1 : seqs[i]);
        add(mem, model, key, rec);
        // Each record is readable as soon as add returns (the engine publishes it then).
        assertThat(get(mem, key, rec.seq))
            .as("seed=%d just added %s", seed, rec)
            .isEqualTo(model.expected(key, rec.seq));
        if (r.nextInt(8) == 0) {
          // A duplicate of the same internal key (a replayed write): never changes a result.
          add(mem, model, key, rec);
        }
      }
      List<byte[]> probes = new ArrayList<>(model.keys.values());
      for (int i = 0; i < 20; i++) {
        probes.add(new byte[] {(byte) (10 + r.nextInt(200)), (byte) i, 7});
      }
      checkAll(mem, model, probes, n, seed);
      assertThat(mem.unindexedKeys()).as("seed=%d", seed).isZero();
    }
  }

  @Test
  void aTieBehindTheFirstRecordEndsItsSoleMark() {
    Memtable mem = new Memtable(1, 1 << 20);
    byte[] key = {1, 2, 3};
    mem.add(key, 5, 9, InternalKeys.KIND_PUT, 0, new byte[] {1});
    assertThat(get(mem, key, 9)).isEqualTo(Record.put(new byte[] {1}, 5, 0));
    // Same version, lower sequence: sorts after the first record yet beats it (tombstone).
    mem.add(key, 5, 3, InternalKeys.KIND_TOMBSTONE, 77, null);
    assertThat(get(mem, key, 9)).isEqualTo(Record.tombstone(5));
    assertThat(get(mem, key, 8)).isEqualTo(Record.tombstone(5));
    assertThat(get(mem, key, 2)).isNull();
  }

  @Test
  void readsStayExactAcrossGrowth() {
    for (long seed = 1; seed <= 3; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      // 1 MiB of capacity: 4 Ki slots at first, 32 Ki at most (about 26 Ki keys).
      Memtable mem = new Memtable(1, 1 << 20);
      long initialBytes = mem.indexBytes();
      Model model = new Model();
      int keys = 15_000;
      long seq = 0;
      for (int i = 0; i < keys; i++) {
        byte[] key = ("k" + Integer.toHexString(r.nextInt())).getBytes();
        int records = 1 + r.nextInt(3);
        for (int j = 0; j < records; j++) {
          add(mem, model, key, randomRec(r, ++seq));
        }
      }
      assertThat(mem.indexBytes()).as("seed=%d three doublings", seed).isEqualTo(initialBytes * 8);
      assertThat(mem.unindexedKeys()).as("seed=%d", seed).isZero();
      int absentAdmitted = 0;
      for (int i = 0; i < 10_000; i++) {
        byte[] absent = ("a" + Integer.toHexString(r.nextInt())).getBytes();
        assertThat(get(mem, absent, seq)).as("seed=%d absent", seed).isNull();
        assertThat(mem.containsKey(absent, absent.length)).as("seed=%d absent", seed).isFalse();
        if (mem.mayContain(BloomFilter.hash(absent, 0, absent.length))) {
          absentAdmitted++;
        }
      }
      assertThat(absentAdmitted).as("seed=%d fingerprint false positives", seed).isLessThan(100);
      for (byte[] key : model.keys.values()) {
        long snap = r.nextLong(seq + 1);
        assertThat(get(mem, key, seq))
            .as("seed=%d get %s", seed, new String(key))
            .isEqualTo(model.expected(key, seq));
        assertThat(get(mem, key, snap))
            .as("seed=%d get %s at %d", seed, new String(key), snap)
            .isEqualTo(model.expected(key, snap));
      }
    }
  }

  @Test
  void aFullIndexFallsBackToTheDescent() {
    for (long seed = 1; seed <= 5; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      // 16 KiB of capacity: 64 slots at first, 512 at most (409 keys); far overfilled here.
      Memtable mem = new Memtable(1, 16 << 10);
      Model model = new Model();
      int n = 1500;
      long[] seqs = shuffledSeqs(r, n);
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[] {(byte) r.nextInt(40), (byte) r.nextInt(40)};
        add(mem, model, key, randomRec(r, seqs[i]));
      }
      assertThat(mem.unindexedKeys()).as("seed=%d", seed).isPositive();
      assertThat(mem.indexBytes()).as("seed=%d", seed).isEqualTo(512 * 8);
      List<byte[]> probes = new ArrayList<>(model.keys.values());
      probes.add(new byte[] {50, 50});
      probes.add(new byte[] {1});
      for (byte[] key : probes) {
        assertThat(mem.containsKey(key, key.length))
            .as("seed=%d containsKey %s", seed, Arrays.toString(key))
            .isEqualTo(model.holds(key));
        for (long snap = 0; snap <= n; snap += 1 + r.nextInt(20)) {
          assertThat(get(mem, key, snap))
              .as("seed=%d get %s at %d", seed, Arrays.toString(key), snap)
              .isEqualTo(model.expected(key, snap));
        }
        assertThat(get(mem, key, n)).as("seed=%d", seed).isEqualTo(model.expected(key, n));
      }
    }
  }

  /**
   * One writer adds records with ascending sequences and publishes each after add returns, the
   * engine's protocol; readers read published records of random keys at the published sequence
   * while the index grows (and, with the small capacity, runs out of room).
   */
  @Test
  void concurrentReadersNeverMissAPublishedRecord() throws Exception {
    check(11, 4L << 20, 150_000, 40_000);
    check(12, 64L << 10, 60_000, 5_000);
  }

  private static void check(long seed, long capacityBytes, int n, int keyCount)
      throws InterruptedException {
    SplittableRandom r = new SplittableRandom(seed);
    byte[][] keys = new byte[keyCount][];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = ("key:" + i + ":" + r.nextInt(1000)).getBytes();
    }
    int[] keyOf = new int[n + 1];
    Rec[] recs = new Rec[n + 1];
    for (int s = 1; s <= n; s++) {
      keyOf[s] = r.nextInt(keyCount);
      recs[s] = randomRec(r, s);
    }
    // The sequences of each key's records, ascending, for the readers' expected answers.
    int[] counts = new int[keyCount];
    for (int s = 1; s <= n; s++) {
      counts[keyOf[s]]++;
    }
    int[][] seqsOfKey = new int[keyCount][];
    for (int k = 0; k < keyCount; k++) {
      seqsOfKey[k] = new int[counts[k]];
      counts[k] = 0;
    }
    for (int s = 1; s <= n; s++) {
      seqsOfKey[keyOf[s]][counts[keyOf[s]]++] = s;
    }
    Memtable mem = new Memtable(1, capacityBytes);
    AtomicLong published = new AtomicLong();
    AtomicReference<String> failure = new AtomicReference<>();
    long deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Thread writer =
        new Thread(
            () -> {
              for (int s = 1; s <= n && failure.get() == null; s++) {
                Rec rec = recs[s];
                mem.add(keys[keyOf[s]], rec.version, rec.seq, rec.kind, rec.aux, rec.value);
                published.set(s);
              }
            });
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      SplittableRandom rr = r.split();
      readers.add(
          new Thread(
              () -> {
                RecordHolder h = new RecordHolder();
                while (failure.get() == null && System.nanoTime() < deadlineNanos) {
                  long snap = published.get();
                  // Mostly the record just published, the one a lost index update would hide.
                  long target = rr.nextInt(4) == 0 && snap > 0 ? 1 + rr.nextLong(snap) : snap;
                  if (target == 0) {
                    continue;
                  }
                  byte[] key = keys[keyOf[(int) target]];
                  h.reset();
                  mem.get(key, snap, h);
                  RecordHolder want = new RecordHolder();
                  for (int s : seqsOfKey[keyOf[(int) target]]) {
                    if (s > snap) {
                      break;
                    }
                    Rec rec = recs[s];
                    byte[] v = rec.value == null ? new byte[0] : rec.value;
                    want.offer(rec.version, rec.kind, rec.aux, v, 0, v.length);
                  }
                  if (!java.util.Objects.equals(h.toRecord(), want.toRecord())
                      || !mem.containsKey(key, key.length)) {
                    failure.compareAndSet(
                        null,
                        "seed="
                            + seed
                            + " key "
                            + new String(key)
                            + " at "
                            + snap
                            + ": got "
                            + h.toRecord()
                            + ", want "
                            + want.toRecord());
                  }
                  if (published.get() >= n) {
                    return;
                  }
                }
              }));
    }
    writer.start();
    readers.forEach(Thread::start);
    writer.join(TimeUnit.SECONDS.toMillis(30));
    for (Thread t : readers) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(failure.get()).as("seed=%d", seed).isNull();
    assertThat(published.get()).as("seed=%d writer finished", seed).isEqualTo(n);
  }
}
