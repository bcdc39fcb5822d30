package org.ppdb.dht;

import java.util.Arrays;
import java.util.Objects;

/**
 * A record stored in the DHT: a value or a provider announcement, under a key, by a publisher.
 *
 * <p>A node keeps at most one record per (key, kind, publisher id); a newer STORE from the same
 * publisher replaces the older one. The publisher's contact is the id it claimed and the address
 * the STORE came from, as the receiving host reported it. Records expire after {@link
 * DhtConfig#recordTtlNanos()} unless their publisher republishes them.
 *
 * <p>Immutable by convention: the value array is not copied (records cross the DHT by reference in
 * the simulator); nobody may modify it after construction. {@link #equals} compares the value's
 * contents.
 *
 * @param key the 160-bit key the record is stored under
 * @param kind value or provider
 * @param publisher the node that published the record
 * @param value the value, or provider metadata; at most {@link DhtConfig#valueBytesMax()} bytes
 */
public record DhtRecord(NodeId key, RecordKind kind, Contact publisher, byte[] value) {

  /** Rejects null parts. */
  public DhtRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(publisher, "publisher");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DhtRecord r
        && key.equals(r.key)
        && kind == r.kind
        && publisher.equals(r.publisher)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, kind, publisher) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return kind + "(" + key.toShortString() + " by " + publisher + ", " + value.length + " bytes)";
  }
}
