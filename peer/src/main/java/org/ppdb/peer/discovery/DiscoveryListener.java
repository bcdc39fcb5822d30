package org.ppdb.peer.discovery;

/**
 * Receives peer hints from a discovery source.
 *
 * <p>Threading: called on the discovery source's own thread (for mDNS, a jmDNS thread), one call at
 * a time per source. An implementation must not block: the node core's implementation offers the
 * hint to its bounded inbound queue and returns, dropping (and counting) the hint if the queue is
 * full. A runtime exception thrown here is caught, counted and logged by the source.
 */
@FunctionalInterface
public interface DiscoveryListener {

  /**
   * A peer of our cluster, other than ourselves, announced itself or changed its announcement.
   * Repeated announcements with the same content are reported once while the peer stays announced.
   */
  void onPeerHint(PeerHint hint);
}
