package org.ppdb.peer.resp;

import java.util.Arrays;

/**
 * One member of the cluster as {@code PPDB.TOPOLOGY} reports it to clients: where its Redis
 * protocol port is, whether it serves reads yet, what the failure detector thinks of it, and its
 * tokens on the ring. A token-aware client ({@link org.ppdb.peer.client.PpdbClient}) builds its own
 * copy of the ring from these entries.
 *
 * <p>Immutable: the token array is copied in and out.
 *
 * @param nodeIdHex the member's id in lower-case hex
 * @param clientHost the host of its client (Redis protocol) port, as clients should dial it
 * @param clientPort its client port, 1 to 65535
 * @param state {@code normal} (serves reads and writes) or {@code joining} (receives writes only)
 * @param status the failure detector's view: {@code alive}, {@code suspect} or {@code dead}
 * @param tokens its ring tokens (positions of {@link org.ppdb.peer.ring.KeyHash})
 */
public record TopologyEntry(
    String nodeIdHex,
    String clientHost,
    int clientPort,
    String state,
    String status,
    long[] tokens) {

  /** {@link #state()} of a member that serves reads and writes. */
  public static final String STATE_NORMAL = "normal";

  /** {@link #state()} of a member that receives writes but serves no reads yet. */
  public static final String STATE_JOINING = "joining";

  /** {@link #status()} of a member the failure detector believes up. */
  public static final String STATUS_ALIVE = "alive";

  /** {@link #status()} of a member under suspicion. */
  public static final String STATUS_SUSPECT = "suspect";

  /** {@link #status()} of a member declared dead. */
  public static final String STATUS_DEAD = "dead";

  public TopologyEntry {
    if (nodeIdHex == null || nodeIdHex.isEmpty() || !printable(nodeIdHex)) {
      throw new IllegalArgumentException(
          "nodeIdHex: '" + nodeIdHex + "' (expected: non-empty, printable)");
    }
    if (clientHost == null || clientHost.isEmpty() || !printable(clientHost)) {
      throw new IllegalArgumentException(
          "clientHost: '" + clientHost + "' (expected: non-empty, printable)");
    }
    if (clientPort < 1 || clientPort > 65_535) {
      throw new IllegalArgumentException("clientPort: " + clientPort + " (expected: 1..65535)");
    }
    if (!STATE_NORMAL.equals(state) && !STATE_JOINING.equals(state)) {
      throw new IllegalArgumentException("state: '" + state + "' (expected: normal or joining)");
    }
    if (!STATUS_ALIVE.equals(status)
        && !STATUS_SUSPECT.equals(status)
        && !STATUS_DEAD.equals(status)) {
      throw new IllegalArgumentException(
          "status: '" + status + "' (expected: alive, suspect or dead)");
    }
    if (tokens == null) {
      throw new NullPointerException("tokens");
    }
    tokens = tokens.clone();
  }

  /** A copy of the member's tokens. */
  @Override
  public long[] tokens() {
    return tokens.clone();
  }

  /** Whether the member serves reads ({@code normal}). */
  public boolean normal() {
    return STATE_NORMAL.equals(state);
  }

  /** Whether the failure detector believes the member up ({@code alive}). */
  public boolean alive() {
    return STATUS_ALIVE.equals(status);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopologyEntry e
        && nodeIdHex.equals(e.nodeIdHex)
        && clientHost.equals(e.clientHost)
        && clientPort == e.clientPort
        && state.equals(e.state)
        && status.equals(e.status)
        && Arrays.equals(tokens, e.tokens);
  }

  @Override
  public int hashCode() {
    return ((nodeIdHex.hashCode() * 31 + clientHost.hashCode()) * 31 + clientPort) * 31
        + Arrays.hashCode(tokens);
  }

  @Override
  public String toString() {
    return nodeIdHex
        + "@"
        + clientHost
        + ":"
        + clientPort
        + " "
        + state
        + " "
        + status
        + " tokens="
        + tokens.length;
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c == 127) {
        return false;
      }
    }
    return true;
  }
}
