package org.ppdb.peer.admin;

import java.util.List;

/**
 * Gives the admin server the current membership. Implemented by the node core.
 *
 * <p>Threading: called on the admin server's event loop, concurrently with the node loop, once per
 * {@code /members} request. It must not block and must not touch state owned by the node loop; the
 * intended implementation returns an immutable list that the node loop publishes through a volatile
 * field after each membership change.
 */
@FunctionalInterface
public interface MembershipSource {

  /** The members known to this peer, itself included; never null. */
  List<MemberSnapshot> members();
}
