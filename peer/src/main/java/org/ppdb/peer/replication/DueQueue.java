package org.ppdb.peer.replication;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Times at which the coordinator has work (request deadlines, speculative reads), earliest first,
 * for timers whose delays come from a few fixed settings.
 *
 * <p>Why not one priority queue: a coordinator arms a timer per request and, because removing an
 * entry from a heap costs a linear search, leaves it there after the request completed; at 20,000
 * requests a second and a 2 s timeout the heap holds about 40,000 stale entries, and every request
 * pays two O(log n) sifts through memory that is no longer in cache (2.5% of a coordinator's CPU
 * under redis-benchmark). Here each distinct delay has a FIFO lane: on a clock that does not go
 * backwards, entries added with the same delay are due in the order they were added, so adding and
 * removing are O(1) and touch only the ends of an array. An entry that would break a lane's order
 * (the clock went backwards) goes to a small heap instead. The earliest entry is the smallest of
 * the lane heads and the heap's head, compared by time and then by request id, the order the
 * coordinator always used; ties cannot depend on hash order.
 *
 * <p>Cost: O(lanes) per {@link #peek} and {@link #add}, with lanes bounded by {@link #LANES_MAX}
 * (further delays use the heap); no allocation beyond the queues' own arrays. Not thread-safe: the
 * node's thread owns it.
 *
 * @param <T> the entries
 */
final class DueQueue<T> {
  /** Most FIFO lanes; entries with other delays go to the heap. */
  static final int LANES_MAX = 8;

  private final Comparator<T> order;
  private final java.util.function.ToLongFunction<T> time;

  /** The delay of each lane in use, {@code laneCount} of them; scanned linearly (no boxing). */
  private final long[] laneDelays = new long[LANES_MAX];

  @SuppressWarnings("unchecked")
  private final ArrayDeque<T>[] lanes = new ArrayDeque[LANES_MAX];

  private int laneCount;
  private final PriorityQueue<T> heap;

  /**
   * @param time an entry's due time in nanoseconds
   * @param tieBreak orders entries due at the same time
   */
  DueQueue(
      java.util.function.ToLongFunction<T> time, java.util.function.ToLongFunction<T> tieBreak) {
    this.time = time;
    this.order = Comparator.comparingLong(time).thenComparingLong(tieBreak);
    this.heap = new PriorityQueue<>(order);
  }

  /** Adds {@code entry}, due {@code delayNanos} after the time at which it was armed. */
  void add(long delayNanos, T entry) {
    ArrayDeque<T> lane = lane(delayNanos);
    if (lane != null && (lane.isEmpty() || order.compare(lane.peekLast(), entry) <= 0)) {
      lane.addLast(entry);
    } else {
      heap.add(entry);
    }
  }

  /** The lane of {@code delayNanos}, opened if there is room; {@code null} if there is none. */
  private ArrayDeque<T> lane(long delayNanos) {
    for (int i = 0; i < laneCount; i++) {
      if (laneDelays[i] == delayNanos) {
        return lanes[i];
      }
    }
    if (laneCount == LANES_MAX) {
      return null;
    }
    laneDelays[laneCount] = delayNanos;
    lanes[laneCount] = new ArrayDeque<>();
    return lanes[laneCount++];
  }

  /** The earliest entry, or {@code null} if there is none. */
  T peek() {
    T best = heap.peek();
    for (int i = 0; i < laneCount; i++) {
      T head = lanes[i].peekFirst();
      if (head != null && (best == null || order.compare(head, best) < 0)) {
        best = head;
      }
    }
    return best;
  }

  /** Removes and returns the earliest entry, or {@code null} if there is none. */
  T poll() {
    T best = peek();
    if (best == null) {
      return null;
    }
    if (best == heap.peek()) {
      return heap.poll();
    }
    for (int i = 0; i < laneCount; i++) {
      if (lanes[i].peekFirst() == best) {
        return lanes[i].pollFirst();
      }
    }
    throw new IllegalStateException("earliest entry vanished");
  }

  /** The time of the earliest entry, or {@link Long#MAX_VALUE} if there is none. */
  long nextNanos() {
    T head = peek();
    return head == null ? Long.MAX_VALUE : time.applyAsLong(head);
  }

  /** Entries held, O(lanes). */
  int size() {
    int n = heap.size();
    for (int i = 0; i < laneCount; i++) {
      n += lanes[i].size();
    }
    return n;
  }
}
