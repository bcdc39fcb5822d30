package org.ppdb.peer.api;

/**
 * Fewer replicas than required answered before the request's deadline. For a write this is an
 * <em>indeterminate</em> outcome: some replicas may have applied it, and it may become visible
 * later (read repair, hinted handoff); it must never be reported to a client as "not written".
 */
public final class RequestTimeoutException extends KeyValueException {
  private final boolean write;

  /**
   * @param write whether the request was a write (its outcome is then unknown)
   * @param detail what was awaited, e.g. {@code "QUORUM: 1 of 2 acknowledgements in 500 ms"}
   */
  public RequestTimeoutException(boolean write, String detail) {
    super(
        write
            ? "the write may or may not have been applied (" + detail + ")"
            : "the read timed out (" + detail + ")");
    this.write = write;
  }

  /** Whether the timed-out request was a write, whose outcome is therefore unknown. */
  public boolean write() {
    return write;
  }
}
