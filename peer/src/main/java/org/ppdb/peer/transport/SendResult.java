package org.ppdb.peer.transport;

/** What a transport did with a message handed to it. */
public enum SendResult {
  /** Handed to the network, or queued on a connection being opened. Delivery is not promised. */
  SENT,
  /** Dropped: the connection's write buffer or pending queue is full (the peer is slow). */
  DROPPED_BACKPRESSURE,
  /** Dropped: opening one more connection would exceed the outbound connection limit. */
  DROPPED_CONNECTION_LIMIT,
  /** Dropped: recent connection attempts to this address failed; waiting out the backoff. */
  DROPPED_BACKING_OFF,
  /** Dropped: the transport or the connection is closed. */
  DROPPED_CLOSED;

  /** True iff the message was handed on. */
  public boolean sent() {
    return this == SENT;
  }
}
