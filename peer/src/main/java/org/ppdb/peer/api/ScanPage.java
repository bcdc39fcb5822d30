package org.ppdb.peer.api;

import java.util.List;

/**
 * One page of a key scan in unsigned lexicographic key order.
 *
 * @param keys live keys of this page, ascending (each array owned by the receiver)
 * @param resumeAfter the last key of this page when more keys may follow: pass it as {@code
 *     afterKey} of the next {@link KeyValueService#scan} call; {@code null} when the scan is
 *     complete
 */
public record ScanPage(List<byte[]> keys, byte[] resumeAfter) {
  public ScanPage {
    keys = List.copyOf(keys);
  }

  /** Whether the scan has reached the end of the key space. */
  public boolean complete() {
    return resumeAfter == null;
  }
}
