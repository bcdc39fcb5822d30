package org.ppdb.peer.resp;

import java.util.Arrays;

/** A key as a hash-map key (content equality); wraps without copying. */
record KeyRef(byte[] bytes) {
  @Override
  public boolean equals(Object o) {
    return o instanceof KeyRef k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "KeyRef[bytes=" + bytes.length + "]";
  }
}
