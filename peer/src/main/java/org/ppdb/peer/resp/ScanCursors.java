package org.ppdb.peer.resp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps Redis SCAN cursors to scan positions. Redis clients treat a cursor as an unsigned 64-bit
 * decimal number (redis-cli and redis-py parse it as one), but ppdb's position is the last key
 * returned, up to 64 KiB; so the server hands out numbers and remembers the key of each. Cursors
 * are server-wide, so a pooled client may continue a scan on another connection of the same peer.
 *
 * <p>Bounded by count and by key bytes; the oldest cursor is forgotten first, and a forgotten
 * cursor makes SCAN answer {@code ERR invalid cursor}. Ids start at a large offset so that they are
 * never confused with small literal cursors a client might make up.
 *
 * <p>Thread-safe (synchronized); O(1) per operation.
 */
final class ScanCursors {
  private static final long FIRST_ID = 1L << 20;

  private final int cursorsMax;
  private final long keyBytesMax;
  private final LinkedHashMap<Long, byte[]> positions = new LinkedHashMap<>();
  private long nextId = FIRST_ID;
  private long keyBytes;

  /**
   * @param cursorsMax most cursors remembered
   * @param keyBytesMax most bytes of remembered keys in total
   */
  ScanCursors(int cursorsMax, long keyBytesMax) {
    if (cursorsMax <= 0) {
      throw new IllegalArgumentException("cursorsMax: " + cursorsMax + " (expected: > 0)");
    }
    if (keyBytesMax <= 0) {
      throw new IllegalArgumentException("keyBytesMax: " + keyBytesMax + " (expected: > 0)");
    }
    this.cursorsMax = cursorsMax;
    this.keyBytesMax = keyBytesMax;
  }

  /** A new cursor that resumes after {@code lastKey}. */
  synchronized long register(byte[] lastKey) {
    long id = nextId++;
    positions.put(id, lastKey);
    keyBytes += lastKey.length;
    while (positions.size() > cursorsMax || (keyBytes > keyBytesMax && positions.size() > 1)) {
      Map.Entry<Long, byte[]> eldest = positions.entrySet().iterator().next();
      keyBytes -= eldest.getValue().length;
      positions.remove(eldest.getKey());
    }
    return id;
  }

  /** The key a cursor resumes after, or {@code null} if unknown or forgotten. */
  synchronized byte[] resolve(long cursor) {
    return positions.get(cursor);
  }

  synchronized int size() {
    return positions.size();
  }
}
