package org.ppdb.peer.discovery;

/**
 * A running LAN discovery source: advertises this peer and reports others to a {@link
 * DiscoveryListener} until closed.
 *
 * <p>{@link MdnsDiscovery#start} makes the real one; {@link #disabled()} stands in when the
 * operator turned mDNS off ({@code --no-mdns}), so the node core holds one type either way. Methods
 * are thread-safe.
 */
public interface LanDiscovery extends AutoCloseable {

  /** True while this source advertises and browses; false once closed, or if disabled. */
  boolean active();

  /** The counters so far. Cheap; thread-safe. */
  DiscoveryStats stats();

  /**
   * Withdraws the advertisement, stops browsing and releases the socket and every thread. Blocks
   * for up to a few seconds (mDNS goodbye packets). Idempotent; the listener is not called after
   * this returns.
   */
  @Override
  void close();

  /** A source that does nothing: no socket, no thread, no hints. */
  static LanDiscovery disabled() {
    return DisabledDiscovery.INSTANCE;
  }
}
