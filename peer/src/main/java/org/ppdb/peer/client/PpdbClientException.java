package org.ppdb.peer.client;

/**
 * A request of {@link PpdbClient} failed definitely: the server refused it (the message is the
 * server's error reply, such as {@code NOREPLICAS ...} or {@code ERR value too large ...}), no peer
 * could be reached, or the client is closed or overloaded. A failed write did not happen.
 *
 * <p>{@link PpdbTimeoutException}, a subclass, is the indeterminate outcome: catch it first when
 * the difference matters.
 */
public class PpdbClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PpdbClientException(String message) {
    super(message);
  }

  public PpdbClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A copy that carries the calling thread's stack trace, with this one as its cause. */
  PpdbClientException rethrowable() {
    return new PpdbClientException(getMessage(), this);
  }
}
