package org.ppdb.storage.fs;

import java.io.Closeable;
import java.io.IOException;

/**
 * A file open for positional reads. Thread-safe: concurrent reads at different positions are fine.
 */
public interface ReadableFile extends Closeable {
  /**
   * Reads exactly {@code length} bytes at {@code position} into {@code buffer} at {@code offset}.
   *
   * @throws java.io.EOFException if the file ends first
   */
  void readFully(long position, byte[] buffer, int offset, int length) throws IOException;

  /** File size in bytes. */
  long size() throws IOException;
}
