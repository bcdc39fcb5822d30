package org.ppdb.storage;

/**
 * An argument exceeds a configured bound (key size, value size, batch size, ...). The message names
 * the limit, the value and the bound, in the form {@code "keyBytes: 70000 (expected: <= 65536)"}.
 */
public class LimitExceededException extends StorageException {
  public LimitExceededException(String message) {
    super(message);
  }
}
