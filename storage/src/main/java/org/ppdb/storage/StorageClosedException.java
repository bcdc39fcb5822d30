package org.ppdb.storage;

/** An operation was called on an engine, snapshot or cursor that is already closed. */
public class StorageClosedException extends StorageException {
  public StorageClosedException(String message) {
    super(message);
  }
}
