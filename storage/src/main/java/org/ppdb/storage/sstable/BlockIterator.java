package org.ppdb.storage.sstable;

import java.util.Arrays;
import org.ppdb.storage.CorruptionException;
import org.ppdb.storage.format.Coding;
import org.ppdb.storage.format.InternalKeys;

/**
 * Positions within a {@link Block} whose keys are internal keys ({@code userKey ‖ version i64 ‖
 * seqKind i64}): binary search over the restart points, then a linear scan of at most one restart
 * interval. {@link #prev()} re-scans from the preceding restart point (prefix compression only
 * decodes forward). Entries of blocks with {@link Block#compactTrailers} store the user key
 * prefix-compressed and an {@link EntryTrailer} after it; the iterator decodes that trailer into
 * the same 16 bytes, so {@link #key} has one shape for every block. Not thread-safe; reusable
 * across blocks.
 */
final class BlockIterator {
  static final int TRAILER_BYTES = 16;

  private Block block;
  private byte[] data;
  private boolean compact;
  // The last decoded compact trailer (decodeTrailer's outputs).
  private long trailerVersion;
  private long trailerSeqKind;
  byte[] key = new byte[64];
  int keyLength;
  private int current = -1;
  private int nextOffset;
  // The restart point last sought and the entries decoded since: the ordinal of the current entry
  // in a block with a restart at every entry (the index block), see ordinal().
  private int restartBase;
  private int sinceRestart;
  int valueOffset;
  int valueLength;

  void reset(Block b) {
    block = b;
    data = b.data;
    compact = b.compactTrailers;
    current = -1;
  }

  boolean valid() {
    return current >= 0;
  }

  int userKeyLength() {
    return keyLength - TRAILER_BYTES;
  }

  long version() {
    return Coding.getLong(key, keyLength - TRAILER_BYTES);
  }

  long seqKind() {
    return Coding.getLong(key, keyLength - 8);
  }

  byte[] data() {
    return data;
  }

  private void seekToRestart(int i) {
    keyLength = 0;
    nextOffset = block.restart(i);
    restartBase = i;
    sinceRestart = 0;
  }

  /**
   * The position of the current entry among the block's entries, for a block with a restart point
   * at every entry (the index block, docs/formats/sstable.md); meaningless for other blocks.
   */
  int ordinal() {
    return restartBase + sinceRestart - 1;
  }

  /** Offset of the current entry in the block (valid iterator only). */
  int entryOffset() {
    return current;
  }

  /** Decodes the entry at nextOffset; returns false (invalid) at the end of the entries. */
  private boolean parseNext() {
    int p = nextOffset;
    if (p >= block.restartsOffset) {
      current = -1;
      return false;
    }
    current = p;
    int limit = block.restartsOffset;
    int shared;
    int unshared;
    int vlen;
    // Fast path: all three lengths fit in one byte each.
    if (p + 3 <= limit && (data[p] | data[p + 1] | data[p + 2]) >= 0) {
      shared = data[p];
      unshared = data[p + 1];
      vlen = data[p + 2];
      p += 3;
    } else {
      long r = readVarint(p, limit);
      shared = (int) r;
      p = (int) (r >>> 32);
      r = readVarint(p, limit);
      unshared = (int) r;
      p = (int) (r >>> 32);
      r = readVarint(p, limit);
      vlen = (int) r;
      p = (int) (r >>> 32);
    }
    if (compact) {
      return parseCompact(p, limit, shared, unshared, vlen);
    }
    if (shared > keyLength || (long) p + unshared + vlen > limit) {
      throw new CorruptionException(block.file, "block entry at " + current + " out of bounds");
    }
    int newLength = shared + unshared;
    if (key.length < newLength) {
      key = Arrays.copyOf(key, Math.max(newLength, key.length * 2));
    }
    System.arraycopy(data, p, key, shared, unshared);
    keyLength = newLength;
    if (keyLength < TRAILER_BYTES) {
      throw new CorruptionException(
          block.file, "block entry at " + current + ": short internal key");
    }
    valueOffset = p + unshared;
    valueLength = vlen;
    nextOffset = valueOffset + vlen;
    sinceRestart++;
    return true;
  }

  /**
   * The rest of {@link #parseNext()} for an entry with a compact trailer at {@code p + unshared}.
   */
  private boolean parseCompact(int p, int limit, int shared, int unshared, int vlen) {
    if (shared > Math.max(0, keyLength - TRAILER_BYTES) || (long) p + unshared > limit) {
      throw new CorruptionException(block.file, "block entry at " + current + " out of bounds");
    }
    int userLength = shared + unshared;
    if (key.length < userLength + TRAILER_BYTES) {
      key = Arrays.copyOf(key, Math.max(userLength + TRAILER_BYTES, key.length * 2));
    }
    System.arraycopy(data, p, key, shared, unshared);
    int end = decodeTrailer(p + unshared, limit);
    if ((long) end + vlen > limit) {
      throw new CorruptionException(block.file, "block entry at " + current + " out of bounds");
    }
    Coding.putLong(key, userLength, trailerVersion);
    Coding.putLong(key, userLength + 8, trailerSeqKind);
    keyLength = userLength + TRAILER_BYTES;
    valueOffset = end;
    valueLength = vlen;
    nextOffset = end + vlen;
    sinceRestart++;
    return true;
  }

  /**
   * Decodes the {@link EntryTrailer} at {@code p} into {@link #trailerVersion} and {@link
   * #trailerSeqKind}; returns the offset after it.
   */
  private int decodeTrailer(int p, int limit) {
    if (p >= limit) {
      throw new CorruptionException(block.file, "block entry at " + current + ": no trailer");
    }
    int header = data[p++] & 0xff;
    int kind = header & EntryTrailer.KIND_MASK;
    int n = header >>> EntryTrailer.VERSION_BYTES_SHIFT;
    if (kind > InternalKeys.KIND_PUT_EXPIRING || n > 8 || p + n > limit) {
      throw new CorruptionException(
          block.file, "block entry at " + current + ": bad trailer header " + header);
    }
    long version = 0;
    for (int i = 0; i < n; i++) {
      version = version << 8 | (data[p++] & 0xff);
    }
    long seq = 0;
    if ((header & EntryTrailer.SEQUENCE_PRESENT) != 0) {
      int shift = 0;
      while (true) {
        if (p >= limit || shift > 49) {
          throw new CorruptionException(
              block.file, "block entry at " + current + ": bad sequence in trailer");
        }
        int b = data[p++] & 0xff;
        seq |= (long) (b & 0x7f) << shift;
        shift += 7;
        if (b < 0x80) {
          break;
        }
      }
      if (seq == 0 || seq > InternalKeys.SEQ_MAX) {
        throw new CorruptionException(
            block.file, "block entry at " + current + ": sequence " + seq + " out of range");
      }
    }
    trailerVersion = version;
    trailerSeqKind = InternalKeys.seqKind(seq, kind);
    return p;
  }

  private long readVarint(int p, int limit) {
    int result = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
      if (p >= limit) {
        break;
      }
      int b = data[p++] & 0xff;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        if (result < 0) {
          break;
        }
        return ((long) p << 32) | result;
      }
    }
    throw new CorruptionException(block.file, "bad varint in block entry at " + current);
  }

  private int compareCurrent(byte[] user, int userLength, long version, long seqKind) {
    return InternalKeys.compare(
        key,
        0,
        keyLength - TRAILER_BYTES,
        version(),
        seqKind(),
        user,
        0,
        userLength,
        version,
        seqKind);
  }

  /**
   * Compares the key at restart point {@code i} with the target in place: a restart entry shares
   * nothing with its predecessor, so its whole key lies in the block and the binary search needs no
   * decoding into {@link #key}. Leaves the iterator's position undefined (callers reposition).
   */
  private int compareRestartKey(int i, byte[] user, int userLength, long version, long seqKind) {
    int p = block.restart(i);
    int limit = block.restartsOffset;
    int shared;
    int unshared;
    int vlen;
    if (p + 3 <= limit && (data[p] | data[p + 1] | data[p + 2]) >= 0) {
      shared = data[p];
      unshared = data[p + 1];
      vlen = data[p + 2];
      p += 3;
    } else {
      current = p;
      long r = readVarint(p, limit);
      shared = (int) r;
      p = (int) (r >>> 32);
      r = readVarint(p, limit);
      unshared = (int) r;
      p = (int) (r >>> 32);
      r = readVarint(p, limit);
      vlen = (int) r;
      p = (int) (r >>> 32);
    }
    if (compact) {
      if (shared != 0 || (long) p + unshared > limit) {
        throw new CorruptionException(
            block.file, "block restart entry at " + block.restart(i) + " out of bounds");
      }
      current = block.restart(i);
      decodeTrailer(p + unshared, limit);
      return InternalKeys.compare(
          data, p, unshared, trailerVersion, trailerSeqKind, user, 0, userLength, version, seqKind);
    }
    if (shared != 0 || (long) p + unshared + vlen > limit) {
      throw new CorruptionException(
          block.file, "block restart entry at " + block.restart(i) + " out of bounds");
    }
    if (unshared < TRAILER_BYTES) {
      throw new CorruptionException(
          block.file, "block entry at " + block.restart(i) + ": short internal key");
    }
    int userEnd = p + unshared - TRAILER_BYTES;
    return InternalKeys.compare(
        data,
        p,
        userEnd - p,
        Coding.getLong(data, userEnd),
        Coding.getLong(data, userEnd + 8),
        user,
        0,
        userLength,
        version,
        seqKind);
  }

  /** Last restart whose key is < target, or -1 if the first key is >= target. */
  private int lastRestartBefore(byte[] user, int userLength, long version, long seqKind) {
    RestartFence fence = block.fence;
    if (fence != null) {
      long range = fence.candidates(user, userLength);
      int lo = (int) (range >>> 32);
      int hi = (int) range;
      // First restart in [lo, hi) whose key is >= target; hi if none.
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (compareRestartKey(mid, user, userLength, version, seqKind) < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo - 1;
    }
    int lo = 0;
    int hi = block.restartCount - 1;
    if (compareRestartKey(0, user, userLength, version, seqKind) >= 0) {
      return -1;
    }
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (compareRestartKey(mid, user, userLength, version, seqKind) < 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Positions at the first entry >= target; invalid if none. */
  void seekGe(byte[] user, int userLength, long version, long seqKind) {
    int r = lastRestartBefore(user, userLength, version, seqKind);
    seekToRestart(Math.max(r, 0));
    while (parseNext()) {
      if (compareCurrent(user, userLength, version, seqKind) >= 0) {
        return;
      }
    }
  }

  /** Positions at the last entry < target; invalid if none. */
  void seekLt(byte[] user, int userLength, long version, long seqKind) {
    int r = lastRestartBefore(user, userLength, version, seqKind);
    if (r < 0) {
      current = -1;
      return;
    }
    seekToRestart(r);
    int lastGood = -1;
    while (parseNext() && compareCurrent(user, userLength, version, seqKind) < 0) {
      lastGood = current;
    }
    scanTo(r, lastGood);
  }

  private void scanTo(int restart, int target) {
    seekToRestart(restart);
    while (parseNext() && current != target) {
      // Decoding forward rebuilds the prefix-compressed key of the target entry.
    }
  }

  void first() {
    seekToRestart(0);
    parseNext();
  }

  void last() {
    int r = block.restartCount - 1;
    seekToRestart(r);
    int lastGood = -1;
    while (parseNext()) {
      lastGood = current;
    }
    if (lastGood >= 0) {
      scanTo(r, lastGood);
    }
  }

  void next() {
    parseNext();
  }

  void prev() {
    int target = current;
    int r = block.restartCount - 1;
    while (r >= 0 && block.restart(r) >= target) {
      r--;
    }
    if (r < 0) {
      current = -1;
      return;
    }
    seekToRestart(r);
    int lastGood = -1;
    while (parseNext() && current < target) {
      lastGood = current;
    }
    scanTo(r, lastGood);
  }
}
