package org.ppdb.peer.client;

import java.util.List;

/**
 * One page of a cluster-wide key scan ({@link PpdbClient#scan}).
 *
 * @param cursor what to pass to the next {@link PpdbClient#scan} call, or {@code "0"} when the scan
 *     is complete; opaque (it names the peer that holds the scan's position)
 * @param keys keys of this page, in the server's order (each array owned by the receiver)
 */
public record ScanResult(String cursor, List<byte[]> keys) {
  /** The cursor that starts a scan and that ends one. */
  public static final String START = "0";

  public ScanResult {
    if (cursor == null || cursor.isEmpty()) {
      throw new IllegalArgumentException("cursor: '" + cursor + "' (expected: non-empty)");
    }
    keys = List.copyOf(keys);
  }

  /** Whether the scan has covered the whole key space. */
  public boolean complete() {
    return START.equals(cursor);
  }
}
