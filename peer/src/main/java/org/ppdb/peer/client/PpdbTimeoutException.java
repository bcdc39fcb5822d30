package org.ppdb.peer.client;

/**
 * A request of {@link PpdbClient} has an indeterminate outcome: it was sent (or may have been), and
 * no answer came in time, or the connection was lost before the answer. A write reported this way
 * may or may not have happened, and may still happen later; a read may simply be retried.
 *
 * <p>The server's own {@code TIMEOUT} reply (its coordinator did not hear enough replicas in time)
 * is reported the same way, with the server's message.
 */
public class PpdbTimeoutException extends PpdbClientException {
  private static final long serialVersionUID = 1L;

  public PpdbTimeoutException(String message) {
    super(message);
  }

  public PpdbTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  PpdbTimeoutException rethrowable() {
    return new PpdbTimeoutException(getMessage(), this);
  }
}
