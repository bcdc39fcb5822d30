package org.ppdb.gossip;

/**
 * The status of a member as gossip sees it. Ordered by precedence at equal incarnation: a later
 * constant overrides an earlier one (alive &lt; suspect &lt; dead &lt; left). The codes travel on
 * the wire: do not change them.
 */
public enum MemberStatus {
  /** Answering probes, or not yet suspected. */
  ALIVE(0),
  /** Missed a probe; will be declared dead unless it refutes before its suspicion times out. */
  SUSPECT(1),
  /** Declared failed after its suspicion timed out. Kept as a tombstone for a while. */
  DEAD(2),
  /** Left the cluster gracefully. Kept as a tombstone for a while. */
  LEFT(3);

  private final int code;

  MemberStatus(int code) {
    this.code = code;
  }

  /** The frozen wire code. */
  public int code() {
    return code;
  }

  /** True for alive and suspect: the member is taken to be part of the cluster. */
  public boolean isLive() {
    return this == ALIVE || this == SUSPECT;
  }

  /** The status of a wire code, or throws for an unknown code. */
  public static MemberStatus ofCode(int code) {
    return switch (code) {
      case 0 -> ALIVE;
      case 1 -> SUSPECT;
      case 2 -> DEAD;
      case 3 -> LEFT;
      default -> throw new IllegalArgumentException("code: " + code + " (expected: 0..3)");
    };
  }
}
