package org.ppdb.dht;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The records a node holds for others: at most one per (key, kind, publisher), at most {@link
 * DhtConfig#recordsPerKeyMax()} per key and {@link DhtConfig#recordsStoredMax()} in all, each
 * expiring {@link DhtConfig#recordTtlNanos()} after its last STORE.
 *
 * <p>A full store refuses new records rather than evicting old ones: evicting would let a flood of
 * STOREs push out the records of honest publishers. HashMap iteration order never reaches the
 * outputs: expiry removes order-independently, and the records of one key are kept in arrival
 * order. Allocated by {@link Kademlia} only when the first record arrives. Not thread-safe.
 */
final class RecordStore {

  private static final class Stored {
    DhtRecord record;
    long expiresNanos;

    Stored(DhtRecord record, long expiresNanos) {
      this.record = record;
      this.expiresNanos = expiresNanos;
    }
  }

  private final DhtConfig config;
  private final Map<NodeId, ArrayList<Stored>> byKey = new HashMap<>();
  private int count;
  private long nextExpiryNanos = Long.MAX_VALUE;

  RecordStore(DhtConfig config) {
    this.config = config;
  }

  int count() {
    return count;
  }

  long nextExpiryNanos() {
    return nextExpiryNanos;
  }

  /** Stores or refreshes {@code record}; false if the limits refuse it. */
  boolean put(DhtRecord record, long nowNanos) {
    long expires = nowNanos + config.recordTtlNanos();
    ArrayList<Stored> list = byKey.get(record.key());
    if (list != null) {
      for (Stored s : list) {
        if (s.record.kind() == record.kind()
            && s.record.publisher().id().equals(record.publisher().id())) {
          s.record = record;
          s.expiresNanos = expires;
          nextExpiryNanos = Math.min(nextExpiryNanos, expires);
          return true;
        }
      }
      if (list.size() >= config.recordsPerKeyMax()) {
        return false;
      }
    }
    if (count >= config.recordsStoredMax()) {
      return false;
    }
    if (list == null) {
      list = new ArrayList<>(2);
      byKey.put(record.key(), list);
    }
    list.add(new Stored(record, expires));
    count++;
    nextExpiryNanos = Math.min(nextExpiryNanos, expires);
    return true;
  }

  /** Up to {@code max} records under {@code key}, oldest first. */
  List<DhtRecord> get(NodeId key, int max) {
    ArrayList<Stored> list = byKey.get(key);
    if (list == null) {
      return List.of();
    }
    List<DhtRecord> out = new ArrayList<>(Math.min(max, list.size()));
    for (int i = 0; i < list.size() && out.size() < max; i++) {
      out.add(list.get(i).record);
    }
    return out;
  }

  /** Drops the records expired at {@code nowNanos}. */
  void expire(long nowNanos) {
    if (nowNanos < nextExpiryNanos) {
      return;
    }
    long next = Long.MAX_VALUE;
    for (Iterator<ArrayList<Stored>> it = byKey.values().iterator(); it.hasNext(); ) {
      ArrayList<Stored> list = it.next();
      for (Iterator<Stored> si = list.iterator(); si.hasNext(); ) {
        Stored s = si.next();
        if (s.expiresNanos <= nowNanos) {
          si.remove();
          count--;
        } else {
          next = Math.min(next, s.expiresNanos);
        }
      }
      if (list.isEmpty()) {
        it.remove();
      }
    }
    nextExpiryNanos = next;
  }
}
