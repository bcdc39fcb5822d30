package org.ppdb.storage;

/**
 * The engine refuses writes because an earlier write or sync failed: after a failed sync the
 * durable state of the log is unknown, so the engine never acknowledges another write (it does not
 * retry). Reads keep working. Reopening the engine recovers to the last durable state.
 */
public class ReadOnlyException extends StorageException {
  public ReadOnlyException(String message, Throwable cause) {
    super(message, cause);
  }
}
