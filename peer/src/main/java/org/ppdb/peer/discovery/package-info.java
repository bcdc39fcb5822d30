/**
 * Discovery: how a peer learns of other peers before it has joined them.
 *
 * <p>Three sources feed the node core with <em>hints</em>, never with members: multicast DNS on the
 * local network ({@link org.ppdb.peer.discovery.MdnsDiscovery}), seed addresses given on the
 * command line ({@link org.ppdb.peer.discovery.SeedAddresses}), and later the DHT's cluster
 * rendezvous. A hint only says "something claiming to be node X of this cluster listens here"; the
 * node core must still run the authenticated join before X becomes a member, so a forged mDNS
 * answer costs at most one failed join attempt.
 */
package org.ppdb.peer.discovery;
