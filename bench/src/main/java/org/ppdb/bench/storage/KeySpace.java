package org.ppdb.bench.storage;

import java.util.SplittableRandom;

/**
 * The keys and values of the storage benchmark.
 *
 * <p>Key {@code i} is its index as 15 zero-padded decimal digits followed by {@code '0'}; the
 * matching absent key ends in {@code '1'} instead, so absent keys sort between present ones (a read
 * of one must consult the engine's filters rather than fall outside every table's key range). Keys
 * are 16 bytes, db_bench's default.
 *
 * <p>Values come from a pool of random printable bytes built like db_bench's {@code
 * RandomGenerator}: each 100-byte stretch is 50 random bytes repeated, so values compress to about
 * half, and consecutive values are different slices of the pool.
 *
 * <p>Immutable after construction; {@link #key}, {@link #missingKey} and {@link #value} allocate a
 * new array per call and may be called from any thread.
 */
public final class KeySpace {
  /** Digits of the key index; keys have this many digits plus a one-byte suffix. */
  static final int indexDigits = 15;

  private static final int poolBytes = 1 << 20;

  private final int num;
  private final int valueBytes;
  private final byte[] pool;

  public KeySpace(int num, int valueBytes, long seed) {
    if (num <= 0) {
      throw new IllegalArgumentException("num: " + num + " (expected: > 0)");
    }
    if (valueBytes <= 0 || valueBytes > poolBytes / 2) {
      throw new IllegalArgumentException(
          "valueBytes: " + valueBytes + " (expected: > 0 and <= " + poolBytes / 2 + ")");
    }
    this.num = num;
    this.valueBytes = valueBytes;
    this.pool = compressiblePool(new SplittableRandom(seed), poolBytes);
  }

  public int num() {
    return num;
  }

  /** The key of entry {@code index}, which fills write. */
  public byte[] key(long index) {
    return encode(index, (byte) '0');
  }

  /** A key that no fill writes, sorting just after {@code key(index)}. */
  public byte[] missingKey(long index) {
    return encode(index, (byte) '1');
  }

  /** The index of a key made by {@link #key} or {@link #missingKey}. */
  public static long indexOf(byte[] key) {
    long index = 0;
    for (int i = 0; i < indexDigits; i++) {
      index = index * 10 + (key[i] - '0');
    }
    return index;
  }

  /** The {@code sequence}-th value: a slice of the pool starting at a position the number picks. */
  public byte[] value(long sequence) {
    int span = pool.length - valueBytes;
    int offset = (int) Math.floorMod(sequence * 100, (long) span);
    byte[] value = new byte[valueBytes];
    System.arraycopy(pool, offset, value, 0, valueBytes);
    return value;
  }

  /** A uniformly shuffled {@code [0, num)}: the order in which fillrandom writes the keys. */
  public int[] shuffledIndexes(SplittableRandom random) {
    int[] order = new int[num];
    for (int i = 0; i < num; i++) {
      order[i] = i;
    }
    for (int i = num - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  private static byte[] encode(long index, byte suffix) {
    byte[] key = new byte[indexDigits + 1];
    long rest = index;
    for (int i = indexDigits - 1; i >= 0; i--) {
      key[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    key[indexDigits] = suffix;
    return key;
  }

  private static byte[] compressiblePool(SplittableRandom random, int bytes) {
    byte[] pool = new byte[bytes];
    int piece = 100;
    int randomPart = piece / 2;
    for (int start = 0; start < bytes; start += piece) {
      int end = Math.min(bytes, start + piece);
      for (int i = start; i < end; i++) {
        pool[i] =
            i - start < randomPart
                ? (byte) (' ' + random.nextInt(95))
                : pool[start + (i - start) % randomPart];
      }
    }
    return pool;
  }
}
