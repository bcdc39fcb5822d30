package org.ppdb.peer.api;

/**
 * The service refused a write because of the version its client stamped it with ({@link
 * KeyValueService#writeVersioned}): not a version, or too far ahead of the coordinator's clock. A
 * clean failure: nothing was written.
 */
public final class VersionRejectedException extends KeyValueException {
  public VersionRejectedException(String message) {
    super(message);
  }
}
