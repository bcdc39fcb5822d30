package org.ppdb.simulation.peer;

import java.util.Arrays;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.ppdb.peer.replication.ReplicaRecord;

/**
 * The disk of one simulated peer: what survives a crash (kill -9) and a restart. It holds the
 * replica's records, highest version per key, as the storage engines keep them, and the marker the
 * peer writes when it has joined the ring (so a restart serves at once instead of bootstrapping). A
 * record is on the disk from the moment the simulated store applies it, which is also when it
 * reports it durable: the sync policy {@code always}. A write still queued in the store when the
 * peer crashes never reaches the disk, and was never acknowledged.
 *
 * <p>Cost: a TreeMap entry per key. Simulator thread only.
 */
final class SimDisk {

  /** The most keys one simulated disk holds; the kv scenario writes far fewer. */
  static final int KEYS_MAX = 1_000_000;

  private final TreeMap<byte[], ReplicaRecord> records = new TreeMap<>(Arrays::compareUnsigned);
  private boolean joined;

  /** Keeps {@code record} if it is newer than the stored one (last writer wins). */
  void apply(ReplicaRecord record) {
    ReplicaRecord current = records.get(record.key());
    if (current == null && records.size() >= KEYS_MAX) {
      throw new IllegalStateException(
          "simulated disk keys: " + records.size() + " (expected: < " + KEYS_MAX + ")");
    }
    if (ReplicaRecord.newer(record, current)) {
      byte[] key = Arrays.copyOf(record.key(), record.key().length);
      records.put(
          key, new ReplicaRecord(key, record.value(), record.version(), record.expiresAtMillis()));
    }
  }

  /** The stored record of {@code key} (value or tombstone), or null. */
  ReplicaRecord get(byte[] key) {
    return records.get(key);
  }

  /** Records in key order (values and tombstones), read-only. */
  NavigableMap<byte[], ReplicaRecord> records() {
    return Collections.unmodifiableNavigableMap(records);
  }

  private java.util.List<org.ppdb.peer.replication.RingMember> ring = java.util.List.of();

  /** The peer saved the ring members it knows (they survive a crash, like a file would). */
  void saveRing(java.util.List<org.ppdb.peer.replication.RingMember> members) {
    ring = java.util.List.copyOf(members);
  }

  /** The ring members saved by the peer's former life. */
  java.util.List<org.ppdb.peer.replication.RingMember> savedRing() {
    return ring;
  }

  /** The peer wrote its "joined the ring" marker. */
  void markJoined() {
    joined = true;
  }

  /** Whether the peer joined the ring in a former life. */
  boolean joined() {
    return joined;
  }
}
