package org.ppdb.storage;

/**
 * Base of every error a storage engine reports. Unchecked: callers handle the subtypes they care
 * about ({@link CorruptionException}, {@link StorageIoException}, {@link StorageClosedException},
 * {@link LimitExceededException}, {@link ReadOnlyException}) and let the rest propagate.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
