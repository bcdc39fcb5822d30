package org.ppdb.gossip;

/**
 * Where a {@link Swim} core puts its outputs during one call: messages to send and membership
 * events. The host supplies it and acts on the outputs after the call returns (or as they arrive;
 * the core never reads them back). Implementations are called on the core's thread only.
 */
public interface Outbox {
  /**
   * Sends {@code message} to the member advertised at {@code to}. Best effort: the protocol expects
   * loss, duplication and reordering. {@link SwimMessage.PushPull} may exceed the packet budget and
   * should go over a stream; everything else fits {@link SwimConfig#packetBytesMax()}.
   */
  void send(Address to, SwimMessage message);

  /** Reports a change in the membership as this core sees it. */
  void event(MembershipEvent event);
}
