package org.ppdb.storage;

import java.nio.file.Path;

/**
 * Stored bytes failed a checksum or a structural check. The damaged file is named; the engine never
 * returns data from a damaged block. The file may be {@code null} for in-memory structures.
 */
public class CorruptionException extends StorageException {
  private final transient Path file;

  public CorruptionException(Path file, String message) {
    super(file == null ? message : file + ": " + message);
    this.file = file;
  }

  public CorruptionException(Path file, String message, Throwable cause) {
    super(file == null ? message : file + ": " + message, cause);
    this.file = file;
  }

  /** The damaged file, or {@code null} if the corruption is not tied to one file. */
  public Path file() {
    return file;
  }
}
