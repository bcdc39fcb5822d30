package org.ppdb.peer.transport;

import java.net.InetSocketAddress;
import org.ppdb.peer.identity.NodeId;

/**
 * Where a transport delivers the messages it received and accepted; implemented by the node core,
 * which typically puts them on its bounded inbound queue.
 *
 * <p>Called on transport threads (Netty event loops), possibly several at once: implementations
 * must be thread-safe and must not block. By the time a message arrives here it passed the size
 * limits, the checksum or authentication, the replay window (datagrams in a secured cluster) and
 * decoding; nothing malformed reaches the sink.
 */
public interface InboundSink {
  /**
   * A datagram arrived.
   *
   * @param from the source address of the datagram
   * @param sender the node id in the datagram header; in a secured cluster it is authenticated as
   *     coming from a holder of the cluster secret, but not as coming from that particular node
   */
  void onDatagram(InetSocketAddress from, NodeId sender, Object message);

  /**
   * A frame arrived on a stream connection.
   *
   * @param from the sender's listening address (its connection's source IP and the TCP port it
   *     announced), so that {@link Transport#sendFrame} to it reuses the connection
   * @param sender the node id proven by the TLS handshake (the certificate key hashes to it)
   */
  void onFrame(InetSocketAddress from, NodeId sender, Object message);
}
