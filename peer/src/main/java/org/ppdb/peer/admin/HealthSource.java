package org.ppdb.peer.admin;

/**
 * Gives the admin server the peer's health. Implemented by the node core.
 *
 * <p>Threading: called on the admin server's event loop once per {@code /health} request; must not
 * block (same contract as {@link MembershipSource}).
 */
@FunctionalInterface
public interface HealthSource {

  /** The current health; never null. */
  HealthReport health();
}
