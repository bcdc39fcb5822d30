package org.ppdb.storage.sstable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.ppdb.storage.format.Coding;

/**
 * A cache-line-blocked Bloom filter over the user keys of one table (Putze, Sanders and Singler,
 * "Cache-, Hash- and Space-Efficient Bloom Filters", WEA 2007; the layout of RocksDB's
 * FastLocalBloom). All k probes of a key fall in one 64-byte line, so a lookup costs one cache miss
 * instead of k. At 10 bits per key the false-positive rate is about 1% (slightly above an unblocked
 * filter's 0.8%).
 *
 * <p>Stored layout (docs/formats/sstable.md, "Filter block"): {@code lineCount u32, probes u8,
 * lines (64 bytes each)}. The key hash {@link #hash} is part of the format: do not change it.
 */
public final class BloomFilter {
  static final int LINE_BYTES = 64;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long P1 = 0x9E3779B97F4A7C15L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;

  private BloomFilter() {}

  /**
   * The 64-bit key hash of the filter format (a multiply-xorshift hash over 8-byte little-endian
   * words).
   */
  public static long hash(byte[] b, int off, int len) {
    long h = P1 ^ (len * P2);
    int p = off;
    int end = off + len;
    while (p + 8 <= end) {
      long w = (long) LONG_LE.get(b, p);
      h = (h ^ (w * P2)) * P1;
      h ^= h >>> 29;
      p += 8;
    }
    if (p + 4 <= end) {
      long w = (int) INT_LE.get(b, p) & 0xffffffffL;
      h = (h ^ (w * P2)) * P1;
      h ^= h >>> 29;
      p += 4;
    }
    while (p < end) {
      h = (h ^ ((b[p] & 0xffL) * P2)) * P1;
      h ^= h >>> 29;
      p++;
    }
    h ^= h >>> 32;
    h *= P2;
    h ^= h >>> 29;
    return h;
  }

  /** Probe count for {@code bitsPerKey}: round(bits * ln 2), within 1..24. */
  static int probes(int bitsPerKey) {
    return Math.max(1, Math.min(24, (int) Math.round(bitsPerKey * 0.69)));
  }

  /** Builds the stored filter for the given key hashes. */
  public static byte[] build(long[] hashes, int count, int bitsPerKey) {
    int k = probes(bitsPerKey);
    long bits = Math.max(512L, (long) count * bitsPerKey);
    int lines = (int) Math.min(Integer.MAX_VALUE / LINE_BYTES - 1, (bits + 511) / 512);
    byte[] out = new byte[5 + lines * LINE_BYTES];
    Coding.putInt(out, 0, lines);
    out[4] = (byte) k;
    for (int i = 0; i < count; i++) {
      long h = hashes[i];
      int base = 5 + lineOf(h, lines) * LINE_BYTES;
      int a = (int) h;
      int delta = (a >>> 17) | (a << 15) | 1;
      for (int j = 0; j < k; j++) {
        int bit = a & 511;
        out[base + (bit >>> 3)] |= (byte) (1 << (bit & 7));
        a += delta;
      }
    }
    return out;
  }

  /** Whether the key with hash {@code h} may be in the filter stored in {@code f[off, off+len)}. */
  public static boolean mayContain(byte[] f, int off, int len, long h) {
    if (len < 5) {
      return true;
    }
    int lines = Coding.getInt(f, off);
    int k = f[off + 4];
    if (lines <= 0 || 5L + (long) lines * LINE_BYTES > len || k <= 0) {
      return true;
    }
    int base = off + 5 + lineOf(h, lines) * LINE_BYTES;
    int a = (int) h;
    int delta = (a >>> 17) | (a << 15) | 1;
    for (int j = 0; j < k; j++) {
      int bit = a & 511;
      if ((f[base + (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
      a += delta;
    }
    return true;
  }

  private static int lineOf(long h, int lines) {
    return (int) (((h >>> 32) * lines) >>> 32);
  }
}
