package org.ppdb.peer.security;

import java.util.TreeSet;

/**
 * Rejects authenticated datagrams that were seen before or are too old, in bounded memory.
 *
 * <p>Every sealed datagram carries, inside its authenticated plaintext, the sender's wall-clock
 * time, and in its header a random 96-bit nonce. A datagram is accepted once: the window remembers
 * the (timestamp, nonce) pairs of the accepted datagrams whose timestamps are younger than {@code
 * maxAgeMillis}, and rejects a datagram whose timestamp is older than that (it could be a replay of
 * a forgotten one) or more than {@code maxFutureMillis} ahead of the local clock. When the window
 * holds {@code capacity} entries it forgets the oldest and raises a floor: from then on, timestamps
 * at or below the forgotten one are rejected too. Memory is therefore bounded by {@code capacity}
 * whatever the traffic, and under a flood the cost is that slightly old (but genuine) datagrams are
 * dropped, which gossip and DHT retries absorb. The same scheme is used by, e.g., Kerberos replay
 * caches (RFC 4120, section 3.2.3) and WireGuard's sliding window (whitepaper, section 5.4.6).
 *
 * <p>Must only be fed datagrams that already passed authentication, or an attacker could fill it.
 * Thread-safe (synchronized); each check costs O(log capacity).
 */
public final class ReplayWindow {
  /** What a check decided. */
  public enum Verdict {
    /** First sighting of a fresh datagram. */
    ACCEPTED,
    /** The same timestamp and nonce were accepted before. */
    REPLAYED,
    /** The timestamp is too old, too far in the future, or below the floor. */
    STALE
  }

  private record Entry(long timestampMillis, long nonceHigh, int nonceLow)
      implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(timestampMillis, o.timestampMillis);
      if (c != 0) {
        return c;
      }
      c = Long.compare(nonceHigh, o.nonceHigh);
      return c != 0 ? c : Integer.compare(nonceLow, o.nonceLow);
    }
  }

  private final long maxAgeMillis;
  private final long maxFutureMillis;
  private final int capacity;
  private final TreeSet<Entry> seen = new TreeSet<>();
  private long floorMillis = Long.MIN_VALUE;

  /**
   * @param maxAgeMillis oldest accepted timestamp, relative to the local clock; also the tolerated
   *     clock skew between peers in one direction
   * @param maxFutureMillis newest accepted timestamp ahead of the local clock
   * @param capacity entries remembered; beyond it the oldest are forgotten and the floor rises
   */
  public ReplayWindow(long maxAgeMillis, long maxFutureMillis, int capacity) {
    if (maxAgeMillis <= 0) {
      throw new IllegalArgumentException("maxAgeMillis: " + maxAgeMillis + " (expected: > 0)");
    }
    if (maxFutureMillis < 0) {
      throw new IllegalArgumentException(
          "maxFutureMillis: " + maxFutureMillis + " (expected: >= 0)");
    }
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    this.maxAgeMillis = maxAgeMillis;
    this.maxFutureMillis = maxFutureMillis;
    this.capacity = capacity;
  }

  /**
   * Checks an authenticated datagram and, if accepted, remembers it.
   *
   * @param nonce the 12-byte nonce, at {@code offset}
   */
  public synchronized Verdict check(
      long timestampMillis, byte[] nonce, int offset, long nowMillis) {
    long oldest = nowMillis - maxAgeMillis;
    while (!seen.isEmpty() && seen.first().timestampMillis < oldest) {
      seen.pollFirst();
    }
    if (timestampMillis < oldest
        || timestampMillis > nowMillis + maxFutureMillis
        || timestampMillis < floorMillis) {
      return Verdict.STALE;
    }
    Entry entry = new Entry(timestampMillis, readLong(nonce, offset), readInt(nonce, offset + 8));
    if (!seen.add(entry)) {
      return Verdict.REPLAYED;
    }
    if (seen.size() > capacity) {
      Entry forgotten = seen.pollFirst();
      floorMillis = Math.max(floorMillis, forgotten.timestampMillis + 1);
      if (forgotten.equals(entry)) {
        return Verdict.STALE;
      }
    }
    return Verdict.ACCEPTED;
  }

  /** Entries currently remembered (at most the capacity). */
  public synchronized int size() {
    return seen.size();
  }

  private static long readLong(byte[] b, int o) {
    return ((long) readInt(b, o) << 32) | (readInt(b, o + 4) & 0xffffffffL);
  }

  private static int readInt(byte[] b, int o) {
    return ((b[o] & 0xff) << 24)
        | ((b[o + 1] & 0xff) << 16)
        | ((b[o + 2] & 0xff) << 8)
        | (b[o + 3] & 0xff);
  }
}
