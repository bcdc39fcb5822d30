package org.ppdb.dht;

import java.util.List;

/**
 * The messages of the Kademlia protocol: four requests (PING, FIND_NODE, FIND_VALUE, STORE) and
 * their responses.
 *
 * <p>Every message carries a 64-bit {@code rpcId}, chosen at random by the requester and echoed in
 * the response (so an off-path sender cannot forge a response), and the {@code sender}'s node id.
 * The sender's address is not in the message: the host passes the address the message came from to
 * {@link Kademlia#onMessage}, and it must be an address at which the sender answers.
 *
 * <p>Messages are records of primitives, ids, addresses, lists and byte arrays, so the peer's wire
 * codec (Kryo, with registration) can encode them without custom serializers. Lists are not copied
 * and must not be modified after a message is built. A received message is untrusted input: the
 * core checks every field against the limits of its {@link DhtConfig} and drops (and counts) what
 * does not fit; it never throws on malformed input.
 */
public sealed interface DhtMessage {

  /** The requester's random id of this exchange, echoed in the response. */
  long rpcId();

  /** The node id of the sender. */
  NodeId sender();

  /** Whether this is a request (the others are responses). */
  default boolean isRequest() {
    return this instanceof Ping
        || this instanceof FindNode
        || this instanceof FindValue
        || this instanceof Store;
  }

  /** PING: are you alive? Answered by {@link Pong}. */
  record Ping(long rpcId, NodeId sender) implements DhtMessage {}

  /** The answer to {@link Ping}. */
  record Pong(long rpcId, NodeId sender) implements DhtMessage {}

  /** FIND_NODE: which k nodes closest to {@code target} do you know? Answered by {@link Nodes}. */
  record FindNode(long rpcId, NodeId sender, NodeId target) implements DhtMessage {}

  /** The answer to {@link FindNode}: up to k contacts, closest to the target first. */
  record Nodes(long rpcId, NodeId sender, List<Contact> contacts) implements DhtMessage {}

  /**
   * FIND_VALUE: which records do you hold under {@code key}, and which k nodes closest to it do you
   * know? Answered by {@link Values}.
   */
  record FindValue(long rpcId, NodeId sender, NodeId key) implements DhtMessage {}

  /**
   * The answer to {@link FindValue}: the records held under the key (values and providers, at most
   * {@link DhtConfig#recordsPerMessageMax()}) and up to k contacts closest to the key.
   */
  record Values(long rpcId, NodeId sender, List<DhtRecord> records, List<Contact> contacts)
      implements DhtMessage {}

  /**
   * STORE: keep this record under {@code key}, published by the sender, for {@link
   * DhtConfig#recordTtlNanos()}. Answered by {@link StoreAck}.
   */
  record Store(long rpcId, NodeId sender, NodeId key, RecordKind kind, byte[] value)
      implements DhtMessage {}

  /** The answer to {@link Store}: whether the record was kept (false when limits refused it). */
  record StoreAck(long rpcId, NodeId sender, boolean stored) implements DhtMessage {}
}
