package org.ppdb.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Updates waiting to be piggybacked, memberlist's {@code TransmitLimitedQueue} without its B-tree:
 * entries live in one intrusive list per transmit count, so "least sent first, newest first among
 * equals" is a walk from bucket 0, and every operation is O(1) apart from that bounded walk.
 *
 * <p>At most one update per member: a newer update about a member supersedes the queued one (and
 * starts again at zero transmits), so churn about one member never grows the queue. The queue holds
 * at most {@code capacity} entries; when full, the most transmitted (oldest among equals) entry is
 * dropped, which loses the least (push-pull repairs it). An update leaves after it was sent {@code
 * limit} times, the limit being given at each {@link #select} so it follows the cluster size.
 *
 * <p>Memory is per queued entry (about 80 bytes with its map slot); an idle cluster's queues are
 * empty. Not thread-safe; owned by one {@link Swim}.
 */
final class BroadcastQueue {
  /** Entries examined per {@link #select} at most, so that filling one packet is bounded work. */
  static final int SELECT_SCAN_MAX = 256;

  /** Smallest encoded record; a packet with less room left is full. */
  private static final int RECORD_BYTES_MIN = 8;

  private static final class Entry {
    Member update;
    int sizeBytes;
    int transmits;
    Entry prev;
    Entry next;
  }

  private final int capacity;
  private final HashMap<MemberId, Entry> byMember = new HashMap<>();
  private Entry[] heads = new Entry[8];
  private Entry[] tails = new Entry[8];
  private final ArrayList<Entry> chosen = new ArrayList<>();

  BroadcastQueue(int capacity) {
    Check.argument(capacity > 0, "capacity: " + capacity + " (expected: > 0)");
    this.capacity = capacity;
  }

  int size() {
    return byMember.size();
  }

  boolean isEmpty() {
    return byMember.isEmpty();
  }

  /** True if an update about {@code id} waits to be sent. */
  boolean contains(MemberId id) {
    return byMember.containsKey(id);
  }

  /** Queues {@code update}, superseding any queued update about the same member. */
  void offer(Member update) {
    Entry e = byMember.get(update.id());
    if (e != null) {
      unlink(e);
    } else {
      if (byMember.size() >= capacity) {
        evictMostSent();
      }
      e = new Entry();
      byMember.put(update.id(), e);
    }
    e.update = update;
    e.sizeBytes = update.encodedSizeBytes();
    e.transmits = 0;
    linkFirst(e, 0);
  }

  /** Drops the queued update about {@code id}, if any. */
  void remove(MemberId id) {
    Entry e = byMember.remove(id);
    if (e != null) {
      unlink(e);
    }
  }

  /**
   * Appends to {@code out} the least sent updates that fit in {@code budgetBytes} together, counts
   * one transmission for each, and drops those sent {@code limit} times. Returns the bytes used.
   */
  int select(int budgetBytes, int limit, List<Member> out) {
    int remaining = budgetBytes;
    int scanned = 0;
    chosen.clear();
    outer:
    for (int t = 0; t < heads.length; t++) {
      Entry e = heads[t];
      while (e != null) {
        Entry next = e.next;
        if (t >= limit) {
          // The cluster shrank and lowered the limit: this update was sent enough.
          byMember.remove(e.update.id());
          unlink(e);
        } else if (e.sizeBytes <= remaining) {
          chosen.add(e);
          remaining -= e.sizeBytes;
          if (remaining < RECORD_BYTES_MIN) {
            break outer;
          }
        }
        if (++scanned >= SELECT_SCAN_MAX) {
          break outer;
        }
        e = next;
      }
    }
    for (int i = 0; i < chosen.size(); i++) {
      Entry e = chosen.get(i);
      out.add(e.update);
      unlink(e);
      e.transmits++;
      if (e.transmits >= limit) {
        byMember.remove(e.update.id());
      } else {
        linkLast(e, e.transmits);
      }
    }
    chosen.clear();
    return budgetBytes - remaining;
  }

  private void evictMostSent() {
    for (int t = tails.length - 1; t >= 0; t--) {
      Entry e = tails[t];
      if (e != null) {
        byMember.remove(e.update.id());
        unlink(e);
        return;
      }
    }
  }

  private void ensureBucket(int t) {
    if (t >= heads.length) {
      int n = Math.max(t + 1, heads.length * 2);
      heads = java.util.Arrays.copyOf(heads, n);
      tails = java.util.Arrays.copyOf(tails, n);
    }
  }

  private void linkFirst(Entry e, int t) {
    ensureBucket(t);
    e.prev = null;
    e.next = heads[t];
    if (heads[t] != null) {
      heads[t].prev = e;
    } else {
      tails[t] = e;
    }
    heads[t] = e;
  }

  private void linkLast(Entry e, int t) {
    ensureBucket(t);
    e.next = null;
    e.prev = tails[t];
    if (tails[t] != null) {
      tails[t].next = e;
    } else {
      heads[t] = e;
    }
    tails[t] = e;
  }

  private void unlink(Entry e) {
    int t = e.transmits;
    if (e.prev != null) {
      e.prev.next = e.next;
    } else {
      heads[t] = e.next;
    }
    if (e.next != null) {
      e.next.prev = e.prev;
    } else {
      tails[t] = e.prev;
    }
    e.prev = null;
    e.next = null;
  }
}
