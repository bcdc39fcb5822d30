package org.ppdb.storage;

import java.nio.file.Path;
import org.ppdb.storage.lsm.LsmEngine;

/**
 * Entry point of the LSM engine: {@code StorageEngine db = LsmStorage.open(dir,
 * LsmOptions.defaults())}. Opening recovers the directory (manifest, then the write-ahead log) to
 * its last durable state; a new directory is created. One engine per directory (a lock file
 * enforces it).
 */
public final class LsmStorage {
  private LsmStorage() {}

  /** Opens (or creates) the engine stored in {@code directory} with default options. */
  public static StorageEngine open(Path directory) {
    return open(directory, LsmOptions.defaults());
  }

  /**
   * Opens (or creates) the engine stored in {@code directory}.
   *
   * @throws CorruptionException if the stored state is damaged beyond a torn log tail
   * @throws StorageIoException if the files cannot be read
   */
  public static StorageEngine open(Path directory, LsmOptions options) {
    return LsmEngine.open(directory, options);
  }
}
