package org.ppdb.peer.transport;

import java.net.InetSocketAddress;

/**
 * How the node core sends messages to other nodes; free of Netty so that the simulator can supply
 * its own. {@link NettyTransport} is the production implementation.
 *
 * <p>Messages are objects of the classes registered in {@link org.ppdb.peer.wire.WireRegistry}.
 * Sending is fire-and-forget: the result says whether the message was handed to the network (which
 * may still lose it) or dropped here, and never blocks. Received messages arrive at the {@link
 * InboundSink} given to the implementation.
 *
 * <p>Implementations are thread-safe: any thread may send.
 */
public interface Transport extends AutoCloseable {
  /**
   * Sends {@code message} in one datagram (UDP in production): unordered, unreliable, for gossip
   * probes and DHT messages. The encoded message must fit {@link #datagramPayloadBytesMax()}.
   *
   * @throws IllegalArgumentException if the message is not registered or does not fit; callers size
   *     their messages (gossip piggybacking) against the budget
   */
  SendResult sendDatagram(InetSocketAddress to, Object message);

  /**
   * Sends {@code message} as one frame on the reliable, ordered, authenticated stream to {@code to}
   * (TCP with mutual TLS in production), opening or reusing the connection to that address. Frames
   * to one address arrive in the order sent, unless the connection breaks in between.
   *
   * @throws IllegalArgumentException if the message is not registered or exceeds {@link
   *     #frameBytesMax()}
   */
  SendResult sendFrame(InetSocketAddress to, Object message);

  /** Largest encoded message that {@link #sendDatagram} accepts, in bytes. */
  int datagramPayloadBytesMax();

  /** Largest encoded message that {@link #sendFrame} accepts, in bytes. */
  int frameBytesMax();

  /**
   * Stops receiving and sending, closes every connection and releases every thread; idempotent.
   * Later sends return {@link SendResult#DROPPED_CLOSED}.
   */
  @Override
  void close();
}
