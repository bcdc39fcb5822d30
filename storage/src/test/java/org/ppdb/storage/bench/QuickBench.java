package org.ppdb.storage.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.ppdb.storage.Compression;
import org.ppdb.storage.Cursor;
import org.ppdb.storage.Direction;
import org.ppdb.storage.LsmOptions;
import org.ppdb.storage.LsmStorage;
import org.ppdb.storage.Snapshot;
import org.ppdb.storage.StorageEngine;
import org.ppdb.storage.SyncPolicy;

/**
 * A quick in-module db_bench-style check of the LSM engine (the official side-by-side figures come
 * from the bench module). Run with:
 *
 * <pre>
 * cd storage &amp;&amp; mvn -q -o test-compile &amp;&amp; java -Xmx2g -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   org.ppdb.storage.bench.QuickBench [keys] [dir] [compact|overwrite]
 * </pre>
 *
 * (cp.txt from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}). 16-byte keys,
 * 100-byte values, WAL on, no sync, 64 MiB memtable and block cache, bloom 10 bits, no compression.
 * A fillrandom, then optionally a full compaction or as many puts of random existing keys (the
 * bench module's overwrite, which precedes its readrandom), then {@code -Dqb.rounds} (2) rounds of
 * readrandom and a readseq. {@code -Dqb.fillOnly=true} stops after the fill, waits for compactions
 * to settle and prints the engine's write amplification and level shape; {@code -Dqb.dynamic=false}
 * turns off dynamic level sizes.
 */
public final class QuickBench {
  private QuickBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("quickbench");
    LsmOptions options =
        LsmOptions.builder()
            .syncPolicy(SyncPolicy.never())
            .compression(Compression.NONE)
            .memtableBytes(64L << 20)
            .blockCacheBytes(64L << 20)
            .dynamicLevelBytes(Boolean.parseBoolean(System.getProperty("qb.dynamic", "true")))
            .build();
    byte[] value = new byte[100];
    new SplittableRandom(1).nextBytes(value);
    long[] order = new long[n];
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      long t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    try (StorageEngine db = LsmStorage.open(dir, options)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        db.put(key(order[i]), value, i + 1);
      }
      report("fillrandom", n, t0);
      if (Boolean.getBoolean("qb.fillOnly")) {
        // Flush (as the bench module's settle does), let compactions settle, then report the
        // engine's write amplification.
        db.flush();
        while (true) {
          Thread.sleep(500);
          var st = db.stats();
          boolean pending = false; // any level due for compaction
          for (var l : st.levels()) {
            pending |= l.score() >= 1.0;
          }
          if (!pending) {
            break;
          }
        }
        Thread.sleep(1000);
        var st = db.stats();
        System.out.printf(
            "write-amp %.2f (without WAL %.2f), compaction bytes %d%n",
            st.writeAmplification(),
            st.writeAmplificationWithoutWal(),
            st.compactionBytesWritten());
        for (var l : st.levels()) {
          System.out.println("  " + l);
        }
        return;
      }
      if (args.length > 2 && args[2].equals("compact")) {
        t0 = System.nanoTime();
        db.compactRange(null, null);
        report("compactRange", n, t0);
      }
      if (args.length > 2 && args[2].equals("overwrite")) {
        // The bench module's order: fillrandom, then as many puts of random existing keys.
        t0 = System.nanoTime();
        SplittableRandom w = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
          db.put(key(w.nextInt(n)), value, n + i + 1L);
        }
        report("overwrite", n, t0);
      }
      for (int round = 0; round < Integer.getInteger("qb.rounds", 2); round++) {
        t0 = System.nanoTime();
        int found = 0;
        SplittableRandom r = new SplittableRandom(7 + round);
        for (int i = 0; i < n; i++) {
          if (db.get(key(r.nextInt(n))) != null) {
            found++;
          }
        }
        report("readrandom (" + found + " found)", n, t0);
      }
      t0 = System.nanoTime();
      int m = 0;
      try (Snapshot s = db.snapshot();
          Cursor c = s.scan(null, null, Direction.FORWARD)) {
        while (c.next()) {
          m++;
        }
      }
      report("readseq (" + m + ")", m, t0);
      System.out.println(db.stats());
    }
  }

  static byte[] key(long k) {
    byte[] b = new byte[16];
    for (int i = 15; i >= 0; i--) {
      b[i] = (byte) ('0' + k % 10);
      k /= 10;
    }
    return b;
  }

  private static void report(String name, long ops, long t0) {
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%-32s %10.0f ops/s  (%.2f s)%n", name, ops / secs, secs);
  }
}
