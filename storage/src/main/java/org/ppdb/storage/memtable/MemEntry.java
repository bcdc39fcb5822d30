package org.ppdb.storage.memtable;

/**
 * One record in a memtable. Immutable once inserted. The {@code aux} field holds the expiry of an
 * expiring put or the wall-clock time of a delete (for the tombstone grace period).
 */
public final class MemEntry {
  static final byte[] EMPTY = new byte[0];

  final byte[] key;
  final long version;
  final long seqKind;
  final long aux;
  final byte[] value;

  public MemEntry(byte[] key, long version, long seqKind, long aux, byte[] value) {
    this.key = key;
    this.version = version;
    this.seqKind = seqKind;
    this.aux = aux;
    this.value = value == null ? EMPTY : value;
  }

  /** Approximate heap cost in bytes (object headers, arrays, skip-list node). */
  long weight() {
    return 96L + key.length + value.length;
  }
}
