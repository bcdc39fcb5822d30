package org.ppdb.storage.memtable;

import java.util.Arrays;
import org.ppdb.storage.Record;
import org.ppdb.storage.format.InternalKeys;

/**
 * Accumulates the winning record of one key while a read visits memtables and tables ({@link
 * InternalKeys#beats}). Copies the value only when a candidate wins. Not thread-safe; one per read.
 */
public final class RecordHolder {
  private static final byte[] EMPTY = new byte[0];

  private boolean found;
  private long version;
  private int kind;
  private long aux;
  private byte[] value;

  public boolean found() {
    return found;
  }

  public long version() {
    return version;
  }

  public int kind() {
    return kind;
  }

  public long aux() {
    return aux;
  }

  /** Offers a candidate; keeps it if it beats the current best. */
  public void offer(long v, int k, long a, byte[] buf, int off, int len) {
    if (found) {
      long myExpiry = kind == InternalKeys.KIND_PUT_EXPIRING ? aux : 0;
      long theirExpiry = k == InternalKeys.KIND_PUT_EXPIRING ? a : 0;
      byte[] mine = value == null ? EMPTY : value;
      if (!InternalKeys.beats(
          v, k, theirExpiry, buf, off, len, version, kind, myExpiry, mine, 0, mine.length)) {
        return;
      }
    }
    found = true;
    version = v;
    kind = k;
    aux = a;
    value = k == InternalKeys.KIND_TOMBSTONE ? null : Arrays.copyOfRange(buf, off, off + len);
  }

  /** The live value at {@code nowMillis}, or null. */
  public byte[] liveValue(long nowMillis) {
    if (!found || kind == InternalKeys.KIND_TOMBSTONE) {
      return null;
    }
    if (kind == InternalKeys.KIND_PUT_EXPIRING && aux <= nowMillis) {
      return null;
    }
    return value;
  }

  /** The record, tombstones and expired included, or null. */
  public Record toRecord() {
    if (!found) {
      return null;
    }
    return kind == InternalKeys.KIND_TOMBSTONE
        ? Record.tombstone(version)
        : Record.put(value, version, kind == InternalKeys.KIND_PUT_EXPIRING ? aux : 0);
  }

  public void reset() {
    found = false;
    value = null;
  }
}
