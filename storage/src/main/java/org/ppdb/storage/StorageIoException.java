package org.ppdb.storage;

/** The operating system or the file-system seam reported an I/O failure (the cause holds it). */
public class StorageIoException extends StorageException {
  public StorageIoException(String message, Throwable cause) {
    super(message, cause);
  }
}
