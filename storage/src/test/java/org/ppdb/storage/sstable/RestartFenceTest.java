package org.ppdb.storage.sstable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalKeys;

/** The fence-assisted search of an index block against a linear scan of its keys. */
class RestartFenceTest {
  private static final long PROBE = InternalKeys.seqKind(InternalKeys.SEQ_MAX, 0);

  private static byte[] randomKey(SplittableRandom r, int style) {
    switch (style) {
      case 0: // long shared prefix, then a few varying bytes (like zero-padded decimal keys)
        {
          byte[] k = new byte[16];
          Arrays.fill(k, (byte) '0');
          for (int i = 10; i < 16; i++) {
            k[i] = (byte) ('0' + r.nextInt(3));
          }
          return k;
        }
      case 1: // keys that tie on their first 8 bytes after the prefix and differ later
        {
          byte[] k = new byte[4 + 8 + 2];
          k[0] = 7;
          k[13] = (byte) r.nextInt(256);
          k[12] = (byte) r.nextInt(2);
          return k;
        }
      default: // short keys of any length, including empty
        {
          byte[] k = new byte[r.nextInt(12)];
          for (int i = 0; i < k.length; i++) {
            k[i] = (byte) r.nextInt(3);
          }
          return k;
        }
    }
  }

  @Test
  void seekFindsTheFirstEntryAtOrAfterTheTargetLikeALinearScan() {
    for (long seed = 1; seed <= 60; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int style = (int) (seed % 3);
      int n = 1 + r.nextInt(seed % 5 == 0 ? 3000 : 300);
      List<byte[]> users = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        users.add(randomKey(r, style));
      }
      users.sort(Arrays::compareUnsigned);
      BlockBuilder b = new BlockBuilder(1);
      byte[] trailer = new byte[16];
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] u = users.get(i);
        // Equal user keys get descending versions, as internal order requires.
        Coding.putLong(trailer, 0, 1_000_000 - i);
        Coding.putLong(trailer, 8, InternalKeys.seqKind(i + 1, 1));
        b.add(u, u.length, trailer, 16, null, 0, new byte[] {1}, 0, 1);
        keys.add(u);
      }
      byte[] data = b.finish();
      Block plain = new Block(data, b.finishedSize(), Path.of("t"), false, false);
      Block fenced = new Block(data, b.finishedSize(), Path.of("t"), true, false);
      BlockIterator a = new BlockIterator();
      BlockIterator f = new BlockIterator();
      for (int probe = 0; probe < 300; probe++) {
        byte[] target = r.nextBoolean() ? keys.get(r.nextInt(n)) : randomKey(r, style);
        int expected = 0;
        while (expected < n && Arrays.compareUnsigned(keys.get(expected), target) < 0) {
          expected++;
        }
        a.reset(plain);
        a.seekGe(target, target.length, Long.MAX_VALUE, PROBE);
        f.reset(fenced);
        f.seekGe(target, target.length, Long.MAX_VALUE, PROBE);
        String what = "seed " + seed + ", target " + Arrays.toString(target);
        assertThat(f.valid()).as(what).isEqualTo(expected < n);
        assertThat(a.valid()).as(what).isEqualTo(expected < n);
        if (expected < n) {
          assertThat(Arrays.copyOf(f.key, f.userKeyLength()))
              .as(what)
              .isEqualTo(keys.get(expected));
          assertThat(f.version()).as(what).isEqualTo(1_000_000 - expected);
          assertThat(a.version()).as(what).isEqualTo(1_000_000 - expected);
        }
      }
    }
  }
}
