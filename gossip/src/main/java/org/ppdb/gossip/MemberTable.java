package org.ppdb.gossip;

import java.util.random.RandomGenerator;

/**
 * The members one core knows, in the order it probes them. An array of shared {@link Member}
 * records (4 bytes per member with compressed references) and an open-addressing index from id to
 * slot (an {@code int} array kept at most half full, so 8 to 16 bytes per member): no boxed map, no
 * per-member object of its own. Lookup, insertion and removal are O(1); {@link #shuffle} is O(n)
 * and runs once per probe round of n probes.
 *
 * <p>The array doubles as the randomized round-robin probe order of SWIM (section 4.3): slots
 * before {@link #probeIndex} were probed this round, the rest were not. Insertion puts the newcomer
 * at a random slot (memberlist's trick), and removal keeps the unprobed members unprobed.
 *
 * <p>Not thread-safe; owned by one {@link Swim}.
 */
final class MemberTable {
  private static final int INITIAL_CAPACITY = 8;

  private Member[] members = new Member[INITIAL_CAPACITY];
  private int size;

  /** Open addressing with linear probing: slot + 1, or 0 for empty. Length a power of two. */
  private int[] index = new int[INITIAL_CAPACITY * 2];

  /** Next slot to probe; slots below it were probed this round. */
  int probeIndex;

  int size() {
    return size;
  }

  Member get(int slot) {
    return members[slot];
  }

  /** The slot of {@code id}, or -1. */
  int find(MemberId id) {
    int mask = index.length - 1;
    for (int i = id.hashCode() & mask; ; i = (i + 1) & mask) {
      int v = index[i];
      if (v == 0) {
        return -1;
      }
      if (members[v - 1].id().equals(id)) {
        return v - 1;
      }
    }
  }

  /** Replaces the record in {@code slot} with a record of the same member. */
  void set(int slot, Member member) {
    members[slot] = member;
  }

  /**
   * Adds a member not yet present, at a random slot (the member there moves to the end), and
   * returns its slot.
   */
  int add(Member member, RandomGenerator random) {
    if (size == members.length) {
      members = java.util.Arrays.copyOf(members, size + (size >> 1) + 1);
    }
    if ((size + 1) * 2 > index.length) {
      rebuildIndex(index.length * 2);
    }
    members[size] = member;
    insertIndex(member.id(), size);
    size++;
    int slot = size - 1;
    int offset = random.nextInt(size);
    if (offset != slot) {
      swap(offset, slot);
      slot = offset;
    }
    return slot;
  }

  /** Removes the member in {@code slot}; other members may move to other slots. */
  void remove(int slot) {
    deleteIndex(members[slot].id());
    int last = size - 1;
    if (slot < probeIndex) {
      // Fill the hole with a probed member and its place with the last (unprobed) one, so that the
      // unprobed members stay at and after probeIndex.
      int probed = probeIndex - 1;
      move(probed, slot);
      move(last, probed);
      probeIndex--;
    } else {
      move(last, slot);
    }
    members[last] = null;
    size--;
    if (members.length > INITIAL_CAPACITY * 4 && size < members.length / 4) {
      members = java.util.Arrays.copyOf(members, members.length / 2);
      rebuildIndex(
          Math.max(INITIAL_CAPACITY * 2, Integer.highestOneBit(Math.max(1, size) * 2) * 2));
    }
  }

  /** Fisher-Yates shuffle of the probe order, for a new round. */
  void shuffle(RandomGenerator random) {
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Member t = members[i];
      members[i] = members[j];
      members[j] = t;
    }
    rebuildIndex(index.length);
    probeIndex = 0;
  }

  /** Every record, in probe order, as an immutable list (one array copy). */
  java.util.List<Member> snapshot() {
    return java.util.List.copyOf(java.util.Arrays.asList(members).subList(0, size));
  }

  /** Approximate retained bytes of this table's own arrays (not the shared records). */
  long retainedBytes() {
    return 16 + 4L * members.length + 16 + 4L * index.length;
  }

  private void move(int from, int to) {
    if (from == to) {
      return;
    }
    Member m = members[from];
    index[indexPosition(m.id(), from)] = to + 1;
    members[to] = m;
    members[from] = null;
  }

  private void swap(int a, int b) {
    Member ma = members[a];
    Member mb = members[b];
    // Find both entries before writing either, since the values are how entries are recognized.
    int pa = indexPosition(ma.id(), a);
    int pb = indexPosition(mb.id(), b);
    index[pa] = b + 1;
    index[pb] = a + 1;
    members[a] = mb;
    members[b] = ma;
  }

  /** The index position of the entry of {@code id}, which points at {@code slot}. */
  private int indexPosition(MemberId id, int slot) {
    int mask = index.length - 1;
    for (int i = id.hashCode() & mask; ; i = (i + 1) & mask) {
      int v = index[i];
      if (v == 0) {
        throw new IllegalStateException("member index lost " + id);
      }
      if (v == slot + 1) {
        return i;
      }
    }
  }

  private void insertIndex(MemberId id, int slot) {
    int mask = index.length - 1;
    int i = id.hashCode() & mask;
    while (index[i] != 0) {
      i = (i + 1) & mask;
    }
    index[i] = slot + 1;
  }

  private void deleteIndex(MemberId id) {
    int mask = index.length - 1;
    int i = id.hashCode() & mask;
    while (true) {
      int v = index[i];
      if (v == 0) {
        throw new IllegalStateException("member index lost " + id);
      }
      if (members[v - 1].id().equals(id)) {
        break;
      }
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps every probe chain unbroken without tombstone markers.
    int hole = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      int v = index[j];
      if (v == 0) {
        break;
      }
      int home = members[v - 1].id().hashCode() & mask;
      boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        index[hole] = v;
        hole = j;
      }
    }
    index[hole] = 0;
  }

  private void rebuildIndex(int capacity) {
    index = new int[capacity];
    for (int s = 0; s < size; s++) {
      insertIndex(members[s].id(), s);
    }
  }
}
