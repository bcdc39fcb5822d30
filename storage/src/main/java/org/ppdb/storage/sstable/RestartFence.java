package org.ppdb.storage.sstable;

import java.util.Arrays;
import org.ppdb.storage.CorruptionException;

/**
 * A cache-friendly summary of a block's restart keys, for blocks searched on every read (the index
 * block of each open table): after the prefix all restart user keys share, the next 8 bytes of each
 * as an unsigned big-endian {@code long} (zero-padded). A binary search over this {@code long[]} (8
 * bytes per restart, so an index of 10,000 blocks fits in 80 KiB of L2 cache) narrows the target to
 * the restarts whose 8 bytes tie, usually one; only those are compared in full, in the block.
 * Without it every probe of the binary search touches a random cache line of the block. The same
 * idea as the "fence pointers" of LSM literature (Dayan, Athanassoulis and Idreos, "Monkey", SIGMOD
 * 2017), reduced to fixed-width key prefixes.
 *
 * <p>Truncating and zero-padding preserves order (a {@code <} b implies fence(a) {@code <=}
 * fence(b)), so the array is non-decreasing and a tie is the only case needing the full key.
 * Immutable, thread-safe; built once when the table opens.
 */
final class RestartFence {
  /** Fences per entry of the top level: its array stays in L1 cache, a segment spans 8 lines. */
  private static final int SEGMENT = 64;

  private final byte[] prefix;
  private final long[] fences;
  // Every SEGMENT-th fence: the search finds the segment here, then the fence within it, touching
  // a few cache lines instead of one per probe of a search over the whole array.
  private final long[] top;

  private RestartFence(byte[] prefix, long[] fences) {
    this.prefix = prefix;
    this.fences = fences;
    this.top = new long[(fences.length + SEGMENT - 1) / SEGMENT];
    for (int j = 0; j < top.length; j++) {
      top[j] = fences[j * SEGMENT];
    }
  }

  /** Builds the fence of {@code block}, or null if it has no entries. */
  static RestartFence of(Block block) {
    if (block.restartsOffset == 0) {
      return null;
    }
    int n = block.restartCount;
    int[] starts = new int[n];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      long e = restartUserKey(block, i);
      starts[i] = (int) (e >>> 32);
      lengths[i] = (int) e;
    }
    byte[] d = block.data;
    // Keys are sorted, so the prefix common to all is the one the first and last share.
    int shared =
        Arrays.mismatch(
            d, starts[0], starts[0] + lengths[0], d, starts[n - 1], starts[n - 1] + lengths[n - 1]);
    if (shared < 0) {
      shared = lengths[0];
    }
    byte[] prefix = Arrays.copyOfRange(d, starts[0], starts[0] + shared);
    long[] fences = new long[n];
    for (int i = 0; i < n; i++) {
      fences[i] = word(d, starts[i] + shared, lengths[i] - shared);
    }
    return new RestartFence(prefix, fences);
  }

  /** (offset of the user key << 32 | its length) of the restart entry {@code i}. */
  private static long restartUserKey(Block block, int i) {
    byte[] d = block.data;
    int p = block.restart(i);
    int limit = block.restartsOffset;
    int[] v = new int[3];
    for (int f = 0; f < 3; f++) {
      int result = 0;
      int shift = 0;
      while (true) {
        if (p >= limit || shift > 28) {
          throw new CorruptionException(block.file, "bad varint in index entry at restart " + i);
        }
        int b = d[p++] & 0xff;
        result |= (b & 0x7f) << shift;
        shift += 7;
        if (b < 0x80) {
          break;
        }
      }
      v[f] = result;
    }
    if (v[0] != 0
        || v[1] < BlockIterator.TRAILER_BYTES
        || v[2] < 0
        || (long) p + v[1] + v[2] > limit) {
      throw new CorruptionException(block.file, "index entry at restart " + i + " out of bounds");
    }
    return ((long) p << 32) | (v[1] - BlockIterator.TRAILER_BYTES);
  }

  /** Up to 8 bytes from {@code p} as an unsigned big-endian word, zero-padded. */
  private static long word(byte[] b, int p, int length) {
    long w = 0;
    int n = Math.min(8, Math.max(0, length));
    for (int i = 0; i < 8; i++) {
      w = (w << 8) | (i < n ? b[p + i] & 0xff : 0);
    }
    return w;
  }

  /** Heap bytes held. */
  int weight() {
    return 8 * (fences.length + top.length) + prefix.length + 64;
  }

  /**
   * The restarts that may hold the first key with user key {@code >= user}: {@code [lo, hi)} packed
   * as {@code lo << 32 | hi}. Every restart before {@code lo} has a smaller user key, every one
   * from {@code hi} on a larger one; those in between tie on the fence and need a full compare.
   */
  long candidates(byte[] user, int userLength) {
    int n = fences.length;
    int c =
        Arrays.compareUnsigned(
            user, 0, Math.min(userLength, prefix.length), prefix, 0, prefix.length);
    if (c < 0 || (c == 0 && userLength < prefix.length)) {
      return 0L; // before every key: [0, 0)
    }
    if (c > 0) {
      return ((long) n << 32) | n; // after every key
    }
    long target = word(user, prefix.length, userLength - prefix.length);
    // Segment: j = top entries below the target; fences up to (j - 1) * SEGMENT are below it too,
    // and the one at j * SEGMENT is not.
    int lo = 0;
    int hi = top.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(top[mid], target) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int j = lo;
    lo = j == 0 ? 0 : (j - 1) * SEGMENT + 1;
    hi = Math.min(n, j * SEGMENT);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(fences[mid], target) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int first = lo;
    // Ties are usually one or two: scan a few, then search the rest.
    while (lo < n && lo - first < 8 && fences[lo] == target) {
      lo++;
    }
    if (lo < n && fences[lo] == target) {
      hi = n;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (Long.compareUnsigned(fences[mid], target) <= 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
    }
    return ((long) first << 32) | lo;
  }
}
