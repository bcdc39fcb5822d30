package org.ppdb.storage.memtable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;

/** The arena skip list against a {@code TreeSet} model: order, seeks, point reads, sizes. */
class MemtableOrderTest {
  private record Rec(byte[] key, long version, long seq, int kind, long aux, byte[] value)
      implements Comparable<Rec> {
    @Override
    public int compareTo(Rec o) {
      return InternalKeys.compare(
          key,
          0,
          key.length,
          version,
          InternalKeys.seqKind(seq, kind),
          o.key,
          0,
          o.key.length,
          o.version,
          InternalKeys.seqKind(o.seq, o.kind));
    }
  }

  private static byte[] randomKey(SplittableRandom r) {
    // Few distinct short keys, so keys repeat with many versions; some long ones cross chunks.
    int length = r.nextInt(10) == 0 ? 1 + r.nextInt(300) : 1 + r.nextInt(3);
    byte[] k = new byte[length];
    for (int i = 0; i < length; i++) {
      k[i] = (byte) r.nextInt(4);
    }
    return k;
  }

  @Test
  void iteratesSeeksAndReadsInInternalOrder() {
    for (long seed = 1; seed <= 20; seed++) {
      check(seed);
    }
  }

  private void check(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Memtable mem = new Memtable(1);
    TreeSet<Rec> model = new TreeSet<>();
    int n = 2000 + r.nextInt(3000);
    // Even seeds mostly append in ascending key order, the splice fast path of a sequential load.
    boolean ascending = seed % 2 == 0;
    for (int i = 0; i < n; i++) {
      byte[] key =
          ascending && r.nextInt(10) != 0
              ? new byte[] {(byte) (i >>> 8), (byte) i, (byte) r.nextInt(2)}
              : randomKey(r);
      int kind = r.nextInt(3);
      int valueLength = r.nextInt(500) == 0 ? (1 << 20) + r.nextInt(100_000) : r.nextInt(200);
      byte[] value = kind == InternalKeys.KIND_TOMBSTONE ? null : new byte[valueLength];
      if (value != null) {
        r.nextBytes(value);
      }
      long version = r.nextLong(-5, 50);
      long aux = r.nextLong(1 << 20);
      // A plain put has no aux field (the memtable reads it as 0).
      Rec rec = new Rec(key, version, i + 1, kind, kind == InternalKeys.KIND_PUT ? 0 : aux, value);
      mem.add(rec.key, rec.version, rec.seq, rec.kind, rec.aux, rec.value);
      model.add(rec);
    }
    assertThat(mem.count()).as("seed %d", seed).isEqualTo(n);
    assertThat(mem.approximateBytes()).as("seed %d", seed).isGreaterThan(n * 40L);
    List<Rec> expected = new ArrayList<>(model);
    assertThat(drain(mem.iterator(true), null))
        .as("forward, seed %d", seed)
        .isEqualTo(keys(expected));
    List<Rec> reversed = new ArrayList<>(expected);
    java.util.Collections.reverse(reversed);
    assertThat(drain(mem.iterator(false), null))
        .as("reverse, seed %d", seed)
        .isEqualTo(keys(reversed));
    for (int i = 0; i < 50; i++) {
      byte[] bound = randomKey(r);
      Rec probe = new Rec(bound, Long.MAX_VALUE, InternalKeys.SEQ_MAX, 0, 0, null);
      List<Rec> tail = new ArrayList<>(model.tailSet(probe, true));
      assertThat(drain(mem.iterator(true), bound))
          .as("forward seek %s, seed %d", Arrays.toString(bound), seed)
          .isEqualTo(keys(tail));
      List<Rec> head = new ArrayList<>(model.headSet(probe, false).descendingSet());
      assertThat(drain(mem.iterator(false), bound))
          .as("reverse seek %s, seed %d", Arrays.toString(bound), seed)
          .isEqualTo(keys(head));
      long snapshot = 1 + r.nextInt(n);
      RecordHolder holder = new RecordHolder();
      mem.get(bound, snapshot, holder);
      RecordHolder want = new RecordHolder();
      for (Rec rec : tail) {
        if (!Arrays.equals(rec.key, bound)) {
          break;
        }
        if (rec.seq <= snapshot) {
          byte[] v = rec.value == null ? new byte[0] : rec.value;
          want.offer(rec.version, rec.kind, rec.aux, v, 0, v.length);
        }
      }
      assertThat(holder.toRecord())
          .as("get %s, seed %d", Arrays.toString(bound), seed)
          .isEqualTo(want.toRecord());
      assertThat(mem.containsKey(bound, bound.length))
          .as("containsKey, seed %d", seed)
          .isEqualTo(!tail.isEmpty() && Arrays.equals(tail.get(0).key, bound));
    }
  }

  private static List<String> keys(List<Rec> recs) {
    List<String> out = new ArrayList<>();
    for (Rec rec : recs) {
      byte[] v = rec.value == null ? new byte[0] : rec.value;
      out.add(
          Arrays.toString(rec.key)
              + "/"
              + rec.version
              + "/"
              + rec.seq
              + "/"
              + rec.kind
              + "/"
              + rec.aux
              + "/"
              + Arrays.hashCode(v));
    }
    return out;
  }

  private static List<String> drain(InternalIterator it, byte[] bound) {
    List<String> out = new ArrayList<>();
    it.seek(bound);
    while (it.valid()) {
      byte[] key = Arrays.copyOf(it.keyBuffer(), it.keyLength());
      byte[] value =
          Arrays.copyOfRange(
              it.valueBuffer(), it.valueOffset(), it.valueOffset() + it.valueLength());
      out.add(
          Arrays.toString(key)
              + "/"
              + it.version()
              + "/"
              + InternalKeys.seq(it.seqKind())
              + "/"
              + InternalKeys.kind(it.seqKind())
              + "/"
              + it.aux()
              + "/"
              + Arrays.hashCode(value));
      it.advance();
    }
    it.close();
    return out;
  }
}
