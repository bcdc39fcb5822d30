/**
 * ppdb's Kademlia DHT, used by peers to find each other beyond the LAN, as a pure state machine.
 *
 * <p>{@link org.ppdb.dht.Kademlia} is the whole protocol core of one node: the host feeds it
 * received {@link org.ppdb.dht.DhtMessage}s and ticks with the current time, starts operations
 * (bootstrap, lookup, find value/providers, store/announce, cluster rendezvous), and receives
 * messages to send and completed {@link org.ppdb.dht.DhtResult}s through an {@link
 * org.ppdb.dht.Outbox}. {@link org.ppdb.dht.DhtConfig} documents every parameter and limit. Ids are
 * {@link org.ppdb.dht.NodeId} (160 bits, XOR metric), addresses {@link org.ppdb.dht.Address}
 * (IPv4/IPv6 and port, grouped by /24 and /64 for the Sybil limits), and known nodes {@link
 * org.ppdb.dht.Contact}.
 *
 * <p>Protocol, as a second implementation would need it (the byte encoding is the peer's Kryo
 * codec): every request carries a random 64-bit rpc id and the sender's id; the answer echoes the
 * rpc id and must come from the address the request went to, else it is dropped. PING is answered
 * by PONG; FIND_NODE(target) by NODES (at most min(k, contactsPerMessageMax) contacts closest to
 * the target, the requester excluded); FIND_VALUE(key) by VALUES (at most recordsPerMessageMax
 * records under the key, values and providers, plus the closest contacts as for FIND_NODE);
 * STORE(key, kind, value) by STORE_ACK(stored), where the record's publisher is the sender's id at
 * the address the STORE came from. A receiver keeps a record for recordTtlNanos after its last
 * STORE; the publisher repeats the STORE every republishIntervalNanos. A message that breaks a
 * limit is dropped and counted, never answered.
 */
package org.ppdb.dht;
