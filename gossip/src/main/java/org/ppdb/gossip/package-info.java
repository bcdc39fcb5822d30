/**
 * SWIM membership and failure detection with the Lifeguard refinements, as a pure state machine.
 *
 * <p>The entry point is {@link org.ppdb.gossip.Swim} (its class comment explains the protocol, the
 * host contract and the costs, with references); {@link org.ppdb.gossip.SwimConfig} holds every
 * parameter with its presets; {@link org.ppdb.gossip.SwimMessage} the messages and their size
 * accounting; {@link org.ppdb.gossip.Member} the record that describes and disseminates one member;
 * {@link org.ppdb.gossip.Outbox} and {@link org.ppdb.gossip.MembershipEvent} what the host
 * receives. Nothing here opens a socket, starts a thread, reads a clock or creates randomness.
 */
package org.ppdb.gossip;
