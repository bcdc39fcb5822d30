package org.ppdb.peer.api;

import java.util.Arrays;

/**
 * The live value of a key as a read found it.
 *
 * @param value the value bytes (owned by the receiver; not copied)
 * @param expiresAtMillis absolute expiry in epoch milliseconds, 0 for none
 * @param version the version (hybrid logical clock timestamp) of the write that produced it
 */
public record StoredValue(byte[] value, long expiresAtMillis, long version) {
  public StoredValue {
    if (value == null) {
      throw new NullPointerException("value");
    }
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException(
          "expiresAtMillis: " + expiresAtMillis + " (expected: >= 0)");
    }
  }

  /** Whether the value carries an expiry. */
  public boolean expires() {
    return expiresAtMillis != 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredValue v
        && expiresAtMillis == v.expiresAtMillis
        && version == v.version
        && Arrays.equals(value, v.value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "StoredValue[valueBytes="
        + value.length
        + ", expiresAtMillis="
        + expiresAtMillis
        + ", version="
        + version
        + "]";
  }
}
