package org.ppdb.storage.sstable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ppdb.storage.Compression;
import org.ppdb.storage.format.InternalIterator;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.fs.FaultInjectingFileSystem;
import org.ppdb.storage.fs.WritableFile;
import org.ppdb.storage.memtable.RecordHolder;

class TableRoundTripTest {
  private final FaultInjectingFileSystem fs = new FaultInjectingFileSystem().syncIsNoop(true);
  private final Path dir = Path.of("/mem/t");

  @Test
  void forwardReverseAndPointReadsAgreeAcrossBlockSizes() throws Exception {
    fs.createDirectories(dir);
    for (long seed = 1; seed <= 15; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      int n = 1 + rnd.nextInt(2000);
      int blockBytes = 256 + rnd.nextInt(4096);
      int restart = 1 + rnd.nextInt(20);
      Path path = dir.resolve(seed + ".sst");
      List<String> expected = new ArrayList<>();
      try (WritableFile f = fs.create(path)) {
        SstableWriter w =
            new SstableWriter(
                f,
                seed,
                blockBytes,
                restart,
                10,
                rnd.nextBoolean() ? Compression.LZ4 : Compression.NONE);
        for (int i = 0; i < n; i++) {
          byte[] key = String.format("key%06d", i * 3).getBytes(StandardCharsets.US_ASCII);
          int versions = 1 + (rnd.nextInt(5) == 0 ? rnd.nextInt(3) : 0);
          for (int v = versions; v >= 1; v--) {
            byte[] value = ("v" + i + "-" + v).getBytes(StandardCharsets.US_ASCII);
            w.add(
                key,
                key.length,
                v,
                InternalKeys.seqKind(i * 10L + v, InternalKeys.KIND_PUT),
                0,
                value,
                0,
                value.length);
            expected.add(new String(key, StandardCharsets.US_ASCII) + "@" + v);
          }
        }
        w.finish();
      }
      // Even seeds read through a mapped view of the file, odd ones with pread.
      fs.mapReads(seed % 2 == 0);
      Table t = Table.open(fs, path, seed, -1, BlockStore.NONE);
      String where = "seed=" + seed + (seed % 2 == 0 ? " mapped" : "");
      assertThat(scan(t, true, null)).as(where).isEqualTo(expected);
      List<String> reversed = new ArrayList<>(expected);
      Collections.reverse(reversed);
      assertThat(scan(t, false, null)).as(where).isEqualTo(reversed);
      for (int probe = 0; probe < 50; probe++) {
        int i = rnd.nextInt(n * 3 + 3);
        byte[] bound = String.format("key%06d", i).getBytes(StandardCharsets.US_ASCII);
        String b = new String(bound, StandardCharsets.US_ASCII);
        List<String> fwd = new ArrayList<>();
        List<String> rev = new ArrayList<>();
        for (String e : expected) {
          if (e.substring(0, 9).compareTo(b) >= 0) {
            fwd.add(e);
          } else {
            rev.add(e);
          }
        }
        Collections.reverse(rev);
        assertThat(scan(t, true, bound)).as(where + " seek " + b).isEqualTo(fwd);
        assertThat(scan(t, false, bound)).as(where + " seekLt " + b).isEqualTo(rev);
        RecordHolder h = new RecordHolder();
        if (t.mayContain(BloomFilter.hash(bound, 0, bound.length))) {
          t.get(bound, Long.MAX_VALUE >>> 8, h);
        }
        assertThat(h.found()).as(where + " get " + b).isEqualTo(i % 3 == 0 && i / 3 < n);
      }
      assertThat(t.verify()[0]).isGreaterThan(2);
      t.release();
    }
  }

  private static List<String> scan(Table t, boolean forward, byte[] bound) {
    List<String> out = new ArrayList<>();
    try (InternalIterator it = t.iterator(forward)) {
      it.seek(bound);
      while (it.valid()) {
        out.add(
            new String(it.keyBuffer(), 0, it.keyLength(), StandardCharsets.US_ASCII)
                + "@"
                + it.version());
        it.advance();
      }
    }
    return out;
  }
}
