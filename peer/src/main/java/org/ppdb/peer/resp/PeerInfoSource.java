package org.ppdb.peer.resp;

import java.util.List;

/**
 * What the peer tells clients about itself beyond the key-value data: the fields of the {@code
 * ppdb} section of INFO (node id, ring size, replication factor, replicas alive, ...) and the lines
 * of {@code PPDB.RING} (which ranges each peer owns, and its load), and the member list of {@code
 * PPDB.TOPOLOGY} from which token-aware clients build their ring.
 *
 * <p>Called on a connection's event loop for every INFO, PPDB.RING or PPDB.TOPOLOGY request:
 * implementations must be thread-safe, must not block, and should answer from a published snapshot
 * of the ring.
 */
public interface PeerInfoSource {
  /** One {@code name:value} line of INFO; names are lower_snake_case without ':' or newlines. */
  record InfoField(String name, String value) {
    public InfoField {
      if (name == null || name.isEmpty() || name.indexOf(':') >= 0 || hasNewline(name)) {
        throw new IllegalArgumentException("name: '" + name + "' (expected: no ':' or newline)");
      }
      if (value == null || hasNewline(value)) {
        throw new IllegalArgumentException("value: '" + value + "' (expected: no newline)");
      }
    }

    private static boolean hasNewline(String s) {
      return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }
  }

  /** The fields of INFO's {@code # Ppdb} section, in display order. */
  List<InfoField> infoFields();

  /** The lines of {@code PPDB.RING}, in display order. */
  List<String> ringDescription();

  /**
   * The members clients may route requests to: every member with a ring position (joining ones
   * included, marked as such), in a stable order. Dead members may be listed with status {@code
   * dead}; clients skip them.
   */
  List<TopologyEntry> topology();

  /** The replication factor N of the cluster. */
  int replicationFactor();
}
