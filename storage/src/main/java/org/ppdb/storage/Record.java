package org.ppdb.storage;

import java.util.Arrays;

/**
 * The newest record an engine holds for one key, tombstones and expired entries included: what
 * replication needs to compare replicas and repair them ({@link StorageEngine#getRecord}).
 *
 * @param value the value, or {@code null} for a tombstone
 * @param version the caller-supplied version of the write
 * @param expiresAtMillis absolute expiry in epoch milliseconds, 0 for none (always 0 for
 *     tombstones)
 * @param tombstone whether this record is a delete
 */
public record Record(byte[] value, long version, long expiresAtMillis, boolean tombstone) {
  public Record {
    if (tombstone != (value == null)) {
      throw new IllegalArgumentException("tombstone: " + tombstone + " (expected: value == null)");
    }
  }

  /** A put record. */
  public static Record put(byte[] value, long version, long expiresAtMillis) {
    return new Record(value, version, expiresAtMillis, false);
  }

  /** A tombstone record. */
  public static Record tombstone(long version) {
    return new Record(null, version, 0, true);
  }

  /** Whether a client read at {@code nowMillis} sees this record: a put that has not expired. */
  public boolean isLive(long nowMillis) {
    return !tombstone && (expiresAtMillis == 0 || expiresAtMillis > nowMillis);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record r
        && version == r.version
        && expiresAtMillis == r.expiresAtMillis
        && tombstone == r.tombstone
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return tombstone
        ? "Record[tombstone, version=" + version + "]"
        : "Record[valueBytes="
            + value.length
            + ", version="
            + version
            + ", expiresAtMillis="
            + expiresAtMillis
            + "]";
  }
}
