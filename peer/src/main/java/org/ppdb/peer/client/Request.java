package org.ppdb.peer.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One command on one connection: its arguments, its deadline, and the future of its reply.
 *
 * <p>The reply future completes with a decoded reply ({@link Replies}) or exceptionally with {@link
 * ConnectionLost} or {@link PpdbTimeoutException}. Fields other than the future are touched only on
 * the connection's event loop.
 */
final class Request {
  final byte[][] args;
  final long deadlineNanos;

  /**
   * Whether this request holds one of its connection's in-flight permits (init commands do not).
   */
  final boolean holdsPermit;

  final CompletableFuture<Object> reply = new CompletableFuture<>();

  /**
   * Set on the event loop once the reply (or the connection's end) took the request off the FIFO.
   */
  boolean answered;

  /** Set on the event loop once the bytes were handed to the socket. */
  boolean written;

  ScheduledFuture<?> timer;

  Request(byte[][] args, long deadlineNanos, boolean holdsPermit) {
    this.args = args;
    this.deadlineNanos = deadlineNanos;
    this.holdsPermit = holdsPermit;
  }

  /** The command name for messages. */
  String name() {
    return new String(args[0], java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /**
   * The connection ended before the reply. {@code sent}: the request may have reached the server
   * (indeterminate); otherwise it definitely did not run.
   */
  static final class ConnectionLost extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean sent;

    ConnectionLost(String message, boolean sent) {
      super(message, null, false, false);
      this.sent = sent;
    }
  }
}
