package org.ppdb.peer.admin;

import java.util.Locale;

/**
 * A member's state as the admin surface shows it. The node core maps its gossip states onto these.
 * The lower-case names appear in {@code /members} JSON and as the {@code state} tag of the {@code
 * ppdb_members} gauge; do not rename them.
 */
public enum MemberState {
  /** Answering probes. */
  ALIVE,
  /** Failed a probe; may still refute. */
  SUSPECT,
  /** Declared dead after its suspicion expired. */
  DEAD,
  /** Left the cluster gracefully. */
  LEFT;

  /** The name used in JSON and metric tags: {@code alive}, {@code suspect}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The state for a {@link #label()}.
   *
   * @throws IllegalArgumentException if {@code label} names no state
   */
  public static MemberState ofLabel(String label) {
    for (MemberState state : values()) {
      if (state.label().equals(label)) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        "state: '" + label + "' (expected: alive, suspect, dead or left)");
  }
}
