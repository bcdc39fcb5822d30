package org.ppdb.dht;

import java.util.Objects;

/**
 * A DHT node as others know it: its id and the address at which it answers.
 *
 * <p>Immutable and shared: the routing table, lookups and messages hold references to the same
 * instances, so a contact learned from a response costs one reference per table, not a copy. About
 * 104 bytes on the heap with its id and address.
 *
 * @param id the node's 160-bit id
 * @param address where the node answers
 */
public record Contact(NodeId id, Address address) {

  /** Rejects null parts. */
  public Contact {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
  }

  @Override
  public String toString() {
    return id.toShortString() + "@" + address;
  }
}
