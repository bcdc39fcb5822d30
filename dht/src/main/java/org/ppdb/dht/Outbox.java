package org.ppdb.dht;

/**
 * Where a {@link Kademlia} core puts its outputs during one call: messages to send and operations
 * that completed.
 *
 * <p>The core calls it synchronously, on the caller's thread, only during {@code onMessage}, {@code
 * onTick} or an operation-starting method. The host should queue what it receives and act after the
 * call returns: sending must not call back into the same core re-entrantly. Order matters for
 * determinism: the host sends messages in the order given.
 */
public interface Outbox {

  /** Sends {@code message} to the node at {@code to}. Delivery is best effort; loss is fine. */
  void send(Address to, DhtMessage message);

  /** Reports that the host-started operation {@code result.operationId()} finished. */
  void complete(DhtResult result);
}
