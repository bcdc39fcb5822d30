package org.ppdb.simulation;

import java.util.Arrays;

/**
 * The simulator's agenda: a binary min-heap of events ordered by (time, sequence), kept in three
 * parallel arrays so that scheduling an event allocates nothing beyond the event itself.
 *
 * <p>Why a heap rather than a timing wheel: simulated events spread from microseconds (LAN latency)
 * to hours (reclaim timers), and a heap costs {@code O(log n)} per operation with no tuning, while
 * a wheel needs a resolution and overflow levels. Parallel primitive arrays keep the comparisons on
 * two {@code long}s in cache, without boxing or a comparator call (the same reason Caffeine's timer
 * wheel and Netty's {@code DefaultPriorityQueue} avoid object keys).
 *
 * <p>The sequence number breaks ties between events at the same nanosecond in the order they were
 * scheduled, so a run is a pure function of its seed.
 *
 * <p>Not thread-safe: the simulator owns it on its single thread. Capacity grows by doubling up to
 * {@link #CAPACITY_MAX}.
 */
final class EventQueue {

  /** The most events that may be pending at once; a run that needs more is misconfigured. */
  static final int CAPACITY_MAX = 1 << 28;

  private long[] times;
  private long[] sequences;
  private Object[] events;
  private int size;
  private long nextSequence;

  EventQueue(int initialCapacity) {
    if (initialCapacity <= 0) {
      throw new IllegalArgumentException(
          "initialCapacity: " + initialCapacity + " (expected: > 0)");
    }
    times = new long[initialCapacity];
    sequences = new long[initialCapacity];
    events = new Object[initialCapacity];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Adds {@code event} at {@code timeNanos}; returns the sequence number it was given. */
  long add(long timeNanos, Object event) {
    if (size == times.length) {
      grow();
    }
    long sequence = nextSequence++;
    int i = size++;
    // Sift up: move parents down until the slot for the new entry is found.
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long pt = times[parent];
      if (pt < timeNanos || (pt == timeNanos && sequences[parent] < sequence)) {
        break;
      }
      times[i] = pt;
      sequences[i] = sequences[parent];
      events[i] = events[parent];
      i = parent;
    }
    times[i] = timeNanos;
    sequences[i] = sequence;
    events[i] = event;
    return sequence;
  }

  /** The time of the earliest event; only when not empty. */
  long peekTime() {
    return times[0];
  }

  /** The sequence number of the earliest event; only when not empty. */
  long peekSequence() {
    return sequences[0];
  }

  /** Removes and returns the earliest event; only when not empty. */
  Object poll() {
    Object top = events[0];
    int last = --size;
    long t = times[last];
    long s = sequences[last];
    Object e = events[last];
    events[last] = null;
    if (last > 0) {
      // Sift down the former last entry from the root.
      int i = 0;
      int half = last >>> 1;
      while (i < half) {
        int child = 2 * i + 1;
        int right = child + 1;
        if (right < last
            && (times[right] < times[child]
                || (times[right] == times[child] && sequences[right] < sequences[child]))) {
          child = right;
        }
        long ct = times[child];
        if (t < ct || (t == ct && s < sequences[child])) {
          break;
        }
        times[i] = ct;
        sequences[i] = sequences[child];
        events[i] = events[child];
        i = child;
      }
      times[i] = t;
      sequences[i] = s;
      events[i] = e;
    }
    return top;
  }

  private void grow() {
    if (times.length >= CAPACITY_MAX) {
      throw new IllegalStateException(
          "pending events: " + size + " (expected: < " + CAPACITY_MAX + ")");
    }
    int capacity = Math.min(CAPACITY_MAX, times.length * 2);
    times = Arrays.copyOf(times, capacity);
    sequences = Arrays.copyOf(sequences, capacity);
    events = Arrays.copyOf(events, capacity);
  }
}
