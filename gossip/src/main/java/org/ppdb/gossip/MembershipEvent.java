package org.ppdb.gossip;

import java.util.Objects;

/**
 * A change in the membership as one core sees it, reported to the host through {@link Outbox}.
 * Events concern other members only, never the core's own member.
 *
 * @param kind what changed
 * @param member the member's record after the change
 */
public record MembershipEvent(Kind kind, Member member) {
  /** What changed. */
  public enum Kind {
    /** A member became known as live: first seen, or rejoined after dead or left. */
    JOINED,
    /** A live member published new metadata (higher metadata version). */
    METADATA_UPDATED,
    /** An alive member is now suspected. */
    SUSPECTED,
    /** A suspected member refuted the suspicion. */
    ALIVE_AGAIN,
    /** A member's suspicion timed out: it is taken to have failed. */
    DEAD,
    /** A member left gracefully. */
    LEFT
  }

  public MembershipEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(member, "member");
  }

  @Override
  public String toString() {
    return kind + " " + member;
  }
}
