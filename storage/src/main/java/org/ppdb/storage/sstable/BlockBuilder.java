package org.ppdb.storage.sstable;

import java.util.Arrays;
import org.ppdb.storage.format.Coding;

/**
 * Builds one block of sorted entries with prefix compression and restart points (leveldb's block
 * format; docs/formats/sstable.md, "Blocks"): each entry is {@code shared varint, unshared varint,
 * valueLength varint, key suffix, value}; every {@code restartInterval} entries the key is stored
 * whole and its offset recorded; the block ends with the restart offsets (u32 each) and their count
 * (u32). Not thread-safe.
 */
final class BlockBuilder {
  private final int restartInterval;
  private byte[] buf = new byte[8192];
  private int size;
  private int[] restarts = new int[64];
  private int restartCount;
  private int sinceRestart;
  private byte[] lastKey = new byte[64];
  private int lastKeyLength;
  private int entries;

  BlockBuilder(int restartInterval) {
    this.restartInterval = restartInterval;
    reset();
  }

  void reset() {
    size = 0;
    restartCount = 0;
    restarts[restartCount++] = 0;
    sinceRestart = 0;
    lastKeyLength = 0;
    entries = 0;
  }

  boolean isEmpty() {
    return entries == 0;
  }

  /** Starts a restart point at the next entry: it stores its whole key. */
  private void startRestart() {
    if (restartCount == restarts.length) {
      restarts = Arrays.copyOf(restarts, restartCount * 2);
    }
    restarts[restartCount++] = size;
    sinceRestart = 0;
  }

  /** Appends the value field {@code v1 ‖ v2} of the entry being added and counts the entry. */
  private void finishEntry(byte[] v1, int v1Len, byte[] v2, int v2Off, int v2Len) {
    if (v1Len > 0) {
      System.arraycopy(v1, 0, buf, size, v1Len);
      size += v1Len;
    }
    if (v2Len > 0) {
      System.arraycopy(v2, v2Off, buf, size, v2Len);
      size += v2Len;
    }
    sinceRestart++;
    entries++;
  }

  /** Size of the finished block if finished now. */
  int estimatedSize() {
    return size + restartCount * 4 + 4;
  }

  /** Adds an entry; the key parts are concatenated (key = k1 ‖ k2). */
  void add(
      byte[] k1,
      int k1Len,
      byte[] k2,
      int k2Len,
      byte[] v1,
      int v1Len,
      byte[] v2,
      int v2Off,
      int v2Len) {
    int keyLength = k1Len + k2Len;
    int shared = 0;
    if (sinceRestart < restartInterval) {
      int max = Math.min(lastKeyLength, keyLength);
      while (shared < max && keyByte(k1, k1Len, k2, shared) == lastKey[shared]) {
        shared++;
      }
    } else {
      startRestart();
    }
    int unshared = keyLength - shared;
    int valueLength = v1Len + v2Len;
    ensure(15 + unshared + valueLength);
    size = Coding.putVarint(buf, size, shared);
    size = Coding.putVarint(buf, size, unshared);
    size = Coding.putVarint(buf, size, valueLength);
    if (lastKey.length < keyLength) {
      lastKey = Arrays.copyOf(lastKey, Math.max(keyLength, lastKey.length * 2));
    }
    System.arraycopy(k1, 0, lastKey, 0, k1Len);
    System.arraycopy(k2, 0, lastKey, k1Len, k2Len);
    lastKeyLength = keyLength;
    System.arraycopy(lastKey, shared, buf, size, unshared);
    size += unshared;
    finishEntry(v1, v1Len, v2, v2Off, v2Len);
  }

  /**
   * Adds a data entry of format version 2: the user key, prefix-compressed against the previous
   * entry's user key, then its {@link EntryTrailer} ({@code trailer[0..trailerLen)}), then the
   * value field {@code v1 ‖ v2}; the entry's valueLength counts the value field only. {@link
   * #lastKey()} is then the user key.
   */
  void addWithTrailer(
      byte[] user,
      int userLength,
      byte[] trailer,
      int trailerLength,
      byte[] v1,
      int v1Len,
      byte[] v2,
      int v2Off,
      int v2Len) {
    int shared = 0;
    if (sinceRestart < restartInterval) {
      int m = Arrays.mismatch(user, 0, userLength, lastKey, 0, lastKeyLength);
      shared = m < 0 ? userLength : m; // -1: equal keys, all of it shared
    } else {
      startRestart();
    }
    int unshared = userLength - shared;
    int valueLength = v1Len + v2Len;
    ensure(15 + unshared + trailerLength + valueLength);
    size = Coding.putVarint(buf, size, shared);
    size = Coding.putVarint(buf, size, unshared);
    size = Coding.putVarint(buf, size, valueLength);
    System.arraycopy(user, shared, buf, size, unshared);
    size += unshared;
    System.arraycopy(trailer, 0, buf, size, trailerLength);
    size += trailerLength;
    if (lastKey.length < userLength) {
      lastKey = Arrays.copyOf(lastKey, Math.max(userLength, lastKey.length * 2));
    }
    System.arraycopy(user, shared, lastKey, shared, unshared);
    lastKeyLength = userLength;
    finishEntry(v1, v1Len, v2, v2Off, v2Len);
  }

  private static byte keyByte(byte[] k1, int k1Len, byte[] k2, int i) {
    return i < k1Len ? k1[i] : k2[i - k1Len];
  }

  byte[] lastKey() {
    return lastKey;
  }

  int lastKeyLength() {
    return lastKeyLength;
  }

  /**
   * Appends the restart array; returns the buffer holding the block in {@code [0, finishedSize())}.
   */
  byte[] finish() {
    ensure(restartCount * 4 + 4);
    for (int i = 0; i < restartCount; i++) {
      Coding.putInt(buf, size, restarts[i]);
      size += 4;
    }
    Coding.putInt(buf, size, restartCount);
    size += 4;
    return buf;
  }

  int finishedSize() {
    return size;
  }

  private void ensure(int extra) {
    if (size + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size + extra, buf.length * 2));
    }
  }
}
