package org.ppdb.storage.memtable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.sstable.BloomFilter;

/**
 * The memtable's key check ({@code mayContain}, fingerprints in the point-read index): never
 * rejects a key it holds, rejects most it does not.
 */
class MemtableFilterTest {
  private static final int KEYS = 20_000;

  private static byte[] randomKey(SplittableRandom r) {
    byte[] k = new byte[1 + r.nextInt(40)];
    r.nextBytes(k);
    return k;
  }

  private static boolean mayContain(Memtable mem, byte[] key) {
    return mem.mayContain(BloomFilter.hash(key, 0, key.length));
  }

  /** Returns the false-positive rate over KEYS absent keys. */
  private static double check(long seed, long capacityBytes) {
    SplittableRandom r = new SplittableRandom(seed);
    Memtable mem = new Memtable(1, capacityBytes);
    Set<String> added = new HashSet<>();
    byte[][] keys = new byte[KEYS][];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = randomKey(r);
      added.add(java.util.Arrays.toString(keys[i]));
      mem.add(keys[i], i, i + 1L, InternalKeys.KIND_PUT, 0, new byte[r.nextInt(100)]);
    }
    for (int i = 0; i < KEYS; i++) {
      assertThat(mayContain(mem, keys[i]))
          .as("seed=%d capacity=%d: added key %d rejected", seed, capacityBytes, i)
          .isTrue();
    }
    int falsePositives = 0;
    int absent = 0;
    while (absent < KEYS) {
      byte[] k = randomKey(r);
      if (added.contains(java.util.Arrays.toString(k))) {
        continue;
      }
      absent++;
      if (mayContain(mem, k)) {
        falsePositives++;
      }
    }
    return (double) falsePositives / absent;
  }

  @Test
  void admitsEveryKeyItHoldsAndRejectsMostOthers() {
    for (long seed = 1; seed <= 5; seed++) {
      // 4 MiB of arena: the index grows from 16 Ki to 64 Ki slots for these keys.
      double rate = check(seed, 4L << 20);
      assertThat(rate).as("seed=%d false-positive rate", seed).isLessThan(0.01);
    }
  }

  @Test
  void anOverfullMemtableStillAdmitsEveryKeyItHolds() {
    for (long seed = 1; seed <= 3; seed++) {
      // 64 KiB of arena bounds the index at 2 Ki slots, far fewer than the keys: it runs out of
      // room and admits every key from then on.
      check(seed, 64L << 10);
    }
  }
}
