package org.ppdb.peer.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.ppdb.peer.identity.NodeId;
import org.ppdb.peer.wire.Hello;

/** What {@link FrameHandler} tells its transport about a connection's life. */
interface StreamEvents {
  /** TLS proved the peer's id; the transport sends its hello. */
  void onAuthenticated(Channel channel, NodeId peer);

  /**
   * The peer's valid hello arrived; returns the peer's listening address, under which frames from
   * it are reported and through which frames to it may reuse this connection.
   */
  InetSocketAddress onHello(Channel channel, NodeId peer, Hello hello);

  /** The connection closed, for whatever reason. */
  void onClosed(Channel channel);
}
