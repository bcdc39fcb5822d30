package org.ppdb.gossip;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A read-only window on the members one {@link Swim} core knows, tombstones included. It is live:
 * it reflects the core's state at the moment of each call, and like the core it may be used only
 * from the core's thread. Lookups are O(1); {@link #members()} copies, O(n).
 */
public final class MembershipView {
  private final Swim swim;
  private final MemberTable table;

  MembershipView(Swim swim, MemberTable table) {
    this.swim = swim;
    this.table = table;
  }

  /** This core's own record. */
  public Member self() {
    return swim.self();
  }

  /** The record of {@code id}, or null if unknown (never heard of, or its tombstone reclaimed). */
  public Member get(MemberId id) {
    int slot = table.find(id);
    return slot < 0 ? null : table.get(slot);
  }

  /** The status of {@code id}, or null if unknown. */
  public MemberStatus status(MemberId id) {
    Member m = get(id);
    return m == null ? null : m.status();
  }

  /** Number of records, self and tombstones included. */
  public int size() {
    return table.size();
  }

  /** Number of alive and suspect members, self included (while it has not left). */
  public int liveCount() {
    return swim.liveCount();
  }

  /** Calls {@code action} with every record, in the core's probe order. */
  public void forEach(Consumer<Member> action) {
    for (int i = 0; i < table.size(); i++) {
      action.accept(table.get(i));
    }
  }

  /** A copy of every record, in the core's probe order. */
  public List<Member> members() {
    List<Member> out = new ArrayList<>(table.size());
    forEach(out::add);
    return out;
  }
}
