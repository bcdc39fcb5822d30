package org.ppdb.storage.memtable;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ppdb.storage.format.InternalKeys;
import org.ppdb.storage.sstable.BloomFilter;

/**
 * Memtable microbenchmark, outside the test run: fills a memtable of each given size (MiB) with
 * 16-byte keys {@code key:%012d} drawn from 1,000,000 and 100-byte values, then reads 300,000 held
 * keys and 300,000 absent ones the way the engine does ({@code get} with the key's hash). Prints
 * ns/op per round and the median of 3 rounds. Run:
 *
 * <pre>
 * mvn -B -o -q -pl storage test-compile
 * java -Xmx2g -cp storage/target/classes:storage/target/test-classes \
 *     org.ppdb.storage.memtable.MemtableBench 64 16 4
 * </pre>
 */
public final class MemtableBench {
  private static final int READS = 300_000;
  private static final int ROUNDS = 3;

  private MemtableBench() {}

  public static void main(String[] args) {
    SplittableRandom r = new SplittableRandom(1);
    byte[][] keys = new byte[2_000_000][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = String.format("key:%012d", r.nextInt(1_000_000)).getBytes();
    }
    byte[][] absent = new byte[READS][];
    for (int i = 0; i < READS; i++) {
      absent[i] = String.format("key:%012d", 1_000_000 + r.nextInt(1_000_000)).getBytes();
    }
    byte[] value = new byte[100];
    double[][][] results = new double[args.length][3][ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      for (int c = 0; c < args.length; c++) {
        long capacity = Long.parseLong(args[c]) << 20;
        Memtable m = new Memtable(1, capacity);
        long seq = 1;
        int n = 0;
        long t0 = System.nanoTime();
        while (m.approximateBytes() < capacity) {
          m.add(keys[n % keys.length], seq, seq, InternalKeys.KIND_PUT, 0, value);
          seq++;
          n++;
        }
        long t1 = System.nanoTime();
        RecordHolder h = new RecordHolder();
        int hits = 0;
        for (int i = 0; i < READS; i++) {
          byte[] k = keys[(int) ((i * 7919L) % n)];
          h.reset();
          m.get(k, BloomFilter.hash(k, 0, k.length), Long.MAX_VALUE, h);
          hits += h.found() ? 1 : 0;
        }
        long t2 = System.nanoTime();
        int falseHits = 0;
        for (byte[] k : absent) {
          h.reset();
          m.get(k, BloomFilter.hash(k, 0, k.length), Long.MAX_VALUE, h);
          falseHits += h.found() ? 1 : 0;
        }
        long t3 = System.nanoTime();
        if (hits != READS || falseHits != 0) {
          throw new AssertionError("hits " + hits + ", false hits " + falseHits);
        }
        results[c][0][round] = (t1 - t0) / (double) n;
        results[c][1][round] = (t2 - t1) / (double) READS;
        results[c][2][round] = (t3 - t2) / (double) READS;
        System.out.printf(
            "round %d %3d MiB: %7d records, index %5.1f MiB, insert %5.0f, get hit %5.0f, get miss"
                + " %4.0f ns/op%n",
            round,
            capacity >> 20,
            n,
            m.indexBytes() / 1048576.0,
            results[c][0][round],
            results[c][1][round],
            results[c][2][round]);
      }
    }
    for (int c = 0; c < args.length; c++) {
      double[] median = new double[3];
      for (int j = 0; j < 3; j++) {
        Arrays.sort(results[c][j]);
        median[j] = results[c][j][ROUNDS / 2];
      }
      System.out.printf(
          "median %3s MiB: insert %5.0f, get hit %5.0f, get miss %4.0f ns/op%n",
          args[c], median[0], median[1], median[2]);
    }
  }
}
