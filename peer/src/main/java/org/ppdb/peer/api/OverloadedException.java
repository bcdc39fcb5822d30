package org.ppdb.peer.api;

/**
 * The service refused the request because a bounded queue or executor is full: a clean failure
 * (nothing was done); the client may retry later.
 */
public final class OverloadedException extends KeyValueException {
  public OverloadedException(String message) {
    super(message);
  }
}
