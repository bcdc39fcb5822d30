package org.ppdb.peer.replication;

import java.util.Arrays;
import java.util.Objects;

/**
 * One versioned entry of a key as a replica stores it and as replicas exchange it: a value (with
 * its expiry) or a tombstone. The unit of writes, read replies, read repair and streaming.
 *
 * <p>Ordering: the higher {@link #version} wins (last writer wins, DESIGN.md); {@link #newer}
 * breaks an exact tie of versions by content, the same way on every peer, so replicas that saw the
 * same records in any order pick the same winner.
 *
 * @param key the key (not copied: callers do not mutate it after construction)
 * @param value the value, or {@code null} for a tombstone
 * @param version the hybrid-logical-clock version of the write
 * @param expiresAtMillis absolute expiry in epoch milliseconds, 0 for never (0 for tombstones)
 */
public record ReplicaRecord(byte[] key, byte[] value, long version, long expiresAtMillis) {
  public ReplicaRecord {
    Objects.requireNonNull(key, "key");
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
  }

  /** A tombstone of {@code key} at {@code version}. */
  public static ReplicaRecord tombstone(byte[] key, long version) {
    return new ReplicaRecord(key, null, version, 0);
  }

  /** Whether this record is a delete. */
  public boolean tombstone() {
    return value == null;
  }

  /** Whether a reader at {@code nowMillis} sees a value (not deleted, not expired). */
  public boolean isLive(long nowMillis) {
    return value != null && (expiresAtMillis == 0 || expiresAtMillis > nowMillis);
  }

  /** Approximate encoded size, in bytes: for batch and frame budgets. */
  public int sizeBytes() {
    return key.length + (value == null ? 0 : value.length) + 24;
  }

  /**
   * Whether {@code a} wins over {@code b} (b may be null: a wins). Higher version wins; on equal
   * versions a value beats a tombstone, then the larger value bytes, then the later expiry.
   */
  public static boolean newer(ReplicaRecord a, ReplicaRecord b) {
    if (b == null) {
      return a != null;
    }
    if (a == null) {
      return false;
    }
    if (a.version != b.version) {
      return a.version > b.version;
    }
    if (a.value == null || b.value == null) {
      return a.value != null && b.value == null;
    }
    int c = Arrays.compareUnsigned(a.value, b.value);
    return c != 0 ? c > 0 : a.expiresAtMillis > b.expiresAtMillis;
  }

  /** Whether two records are the same write (key, version, content). */
  public boolean sameAs(ReplicaRecord other) {
    return other != null
        && version == other.version
        && expiresAtMillis == other.expiresAtMillis
        && Arrays.equals(key, other.key)
        && Arrays.equals(value, other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaRecord r && sameAs(r);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), version, expiresAtMillis);
  }

  @Override
  public String toString() {
    return "ReplicaRecord[key="
        + key.length
        + " bytes, "
        + (value == null ? "tombstone" : value.length + " value bytes")
        + ", version="
        + version
        + (expiresAtMillis == 0 ? "" : ", expires=" + expiresAtMillis)
        + "]";
  }
}
