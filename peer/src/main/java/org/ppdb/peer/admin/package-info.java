/**
 * Admin surface of a peer: a small HTTP server on loopback ({@link
 * org.ppdb.peer.admin.AdminServer}: {@code /health}, {@code /members}, {@code /metrics}), the
 * meters the peer exports ({@link org.ppdb.peer.admin.PeerMetrics}), and what {@code ppdb members}
 * needs to print a running peer's membership ({@link org.ppdb.peer.admin.MembersJson}, {@link
 * org.ppdb.peer.admin.MembersTable}).
 *
 * <p>The server reads the node through two provider interfaces, {@link
 * org.ppdb.peer.admin.MembershipSource} and {@link org.ppdb.peer.admin.HealthSource}, and shows
 * small records of its own ({@link org.ppdb.peer.admin.MemberSnapshot}, {@link
 * org.ppdb.peer.admin.HealthReport}), so it depends on no gossip internals and its JSON does not
 * change when they do.
 */
package org.ppdb.peer.admin;
